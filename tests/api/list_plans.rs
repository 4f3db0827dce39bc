//! The list's page queries read an index in order for every sort key, both directions, first
//! pages and cursor pages, with and without a filter: the plan of each page statement the server
//! really ran must not sort rows it read from a campaign's range of `campaign_partners`.
//!
//! PostgreSQL: `EXPLAIN (FORMAT JSON)` with sequential scans, bitmap scans and sorts priced out
//! (`enable_* = off`), so a sort is left in the plan only when no index gives the order — which
//! is what an index whose null placement disagrees with the ORDER BY looked like. A sort of rows
//! under a `LIMIT` (one page of each range of [`SortOrder::segments`]) or of rows fetched by
//! primary key (a page's full rows) is fine. SQLite: `EXPLAIN QUERY PLAN` must not show `USE TEMP
//! B-TREE FOR ORDER BY` next to a range scan of `campaign_partners` (a lookup by row id is fine).
//! The stage sort walks `campaign_partner_stages` (migration 000022), held to the same rules.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{json, Value};

use crate::list_sorting::FIELDS;
use crate::list_support::Listed;
use crate::support::{backend_tests, TestApp};

/// The tables a page query walks in sort order, each with its primary key.
const WALKED: [(&str, &str); 2] = [
    ("campaign_partners", "campaign_partners_pkey"),
    ("campaign_partner_stages", "campaign_partner_stages_pkey"),
];

fn walked(node: &Value) -> Option<&'static str> {
    WALKED
        .iter()
        .find(|(table, _)| node["Relation Name"] == *table)
        .map(|(_, pkey)| *pkey)
}

const PAGE: &str = "query($c: ID!, $o: [PartnerOrder!], $f: PartnerFilter, $first: Int, $after: String, $last: Int, $before: String) {
  partners(campaignId: $c, orderBy: $o, filter: $f, first: $first, after: $after, last: $last, before: $before) {
    nodes { partnerId } pageInfo { startCursor endCursor } } }";

/// Runs one page request; returns its page info and the page statement the server ran.
async fn page_statement(app: &TestApp, l: &Listed, vars: Value) -> (Value, Statement) {
    let mut vars = vars;
    vars["c"] = json!(l.campaign);
    app.statement_log().record();
    let data = app.data_as(&l.account, PAGE, vars.clone()).await;
    let ran = app.statement_log().take();
    let pages: Vec<Statement> = ran
        .into_iter()
        .filter(|s| s.sql.contains("ORDER BY") && s.sql.contains("LIMIT"))
        .filter(|s| s.sql.contains("campaign_partners"))
        .collect();
    assert_eq!(pages.len(), 1, "one page statement for {vars}: {pages:?}");
    let info = data["partners"]["pageInfo"].clone();
    (info, pages.into_iter().next().expect("page statement"))
}

/// Why a PostgreSQL plan (JSON) sorts a campaign's rows, if it does.
fn pg_sorted_scan(node: &Value, under_sort: bool) -> Option<String> {
    let kind = node["Node Type"].as_str().unwrap_or_default();
    let under_sort = match kind {
        "Limit" => false,
        "Sort" | "Incremental Sort" => true,
        _ => under_sort,
    };
    if let Some(pkey) = walked(node) {
        let index = node["Index Name"].as_str().unwrap_or_default();
        if kind == "Seq Scan" {
            return Some(format!("reads the whole table {:?}", node["Relation Name"]));
        }
        if under_sort && index != pkey {
            return Some(format!("sorts the rows of a {kind} on {index:?}"));
        }
    }
    node["Plans"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|child| pg_sorted_scan(child, under_sort))
}

/// Why a PostgreSQL plan of a cursor page walks a campaign's range from its start instead of
/// starting at the cursor (an index condition of nothing but the account and the campaign), in
/// the part that picks the page's rows (under a `LIMIT`; the page's full rows are then fetched
/// by id). A stage order walks the stage table from the cursor; the rows it joins may be read
/// once into memory (`Materialize`) when they are only the matches the facet index handed over
/// (`id = ANY (...)`), and each row it finds is looked up by its id (an index condition tied to
/// the walked row, `id = campaign_partner_stages.id`): neither is a walk. On a few dozen rows the
/// planner may look a row up through any index holding `campaign_id` and `id`; at a million it
/// takes the primary key (`EXPLAIN` in BENCHMARKS.md).
fn pg_walk_from_start(node: &Value, in_limit: bool, materialized: bool) -> Option<String> {
    let kind = node["Node Type"].as_str().unwrap_or_default();
    let in_limit = in_limit || kind == "Limit";
    let materialized = materialized || kind == "Materialize";
    let pkey = walked(node);
    if in_limit && pkey.is_some() && kind.starts_with("Index") {
        let cond = node["Index Cond"].as_str().unwrap_or_default();
        let filter = node["Filter"].as_str().unwrap_or_default();
        let handed_over = (materialized && format!("{cond} {filter}").contains("(id = ANY"))
            || cond.contains("(id = campaign_partner_stages.id)");
        let rest = cond
            .replace("(account_id = ", "")
            .replace("(campaign_id = ", "");
        let conjuncts = cond.matches(" AND ").count() + 1;
        let only_campaign =
            conjuncts <= 2 && !rest.contains("partner_id") && !rest.contains("ROW(");
        if only_campaign && !handed_over && node["Index Name"] != pkey.unwrap_or_default() {
            return Some(format!(
                "walks {:?} from the start ({cond})",
                node["Index Name"]
            ));
        }
    }
    node["Plans"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|child| pg_walk_from_start(child, in_limit, materialized))
}

/// The same for SQLite: a search of `campaign_partners` constrained by the account and the
/// campaign alone.
fn sqlite_walk_from_start(rows: &[(i64, i64, String)]) -> Option<String> {
    rows.iter()
        .map(|(_, _, detail)| detail)
        .find(|detail| {
            (detail.contains("SEARCH campaign_partners ")
                && !detail.contains("rowid=?")
                && detail.ends_with("(account_id=? AND campaign_id=?)"))
                || (detail.contains("SEARCH campaign_partner_stages ")
                    && detail.ends_with("(campaign_id=?)"))
        })
        .map(|scan| format!("walks from the start: {scan:?}"))
}

/// Why a SQLite plan (`EXPLAIN QUERY PLAN` rows: id, parent, detail) sorts a campaign's rows.
fn sqlite_sorted_scan(rows: &[(i64, i64, String)]) -> Option<String> {
    rows.iter()
        .filter(|(_, _, detail)| detail.starts_with("USE TEMP B-TREE FOR"))
        .find_map(|(_, parent, _)| {
            rows.iter()
                .filter(|(_, p, _)| p == parent)
                .map(|(_, _, detail)| detail)
                .find(|detail| {
                    WALKED.iter().any(|(table, _)| detail.contains(table))
                        && !detail.contains("PRIMARY KEY")
                        && !detail.contains("rowid=?")
                })
                .map(|scan| format!("sorts the rows of {scan:?}"))
        })
}

/// The reason the statement's plan sorts a campaign's rows, or for a `cursor` page walks its
/// index from the start (`None`: it reads an index in order from where the page starts).
async fn sorted_scan(app: &TestApp, statement: &Statement, cursor: bool) -> Option<String> {
    match app.db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = app.db.begin().await.expect("begin");
            for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                txn.execute_unprepared(&format!("SET LOCAL {setting} = off"))
                    .await
                    .expect("planner setting");
            }
            let explain = Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!("EXPLAIN (FORMAT JSON) {}", statement.sql),
                statement.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let row = txn
                .query_one_raw(explain)
                .await
                .expect("explain")
                .expect("a plan");
            let plan: Value = row.try_get_by_index(0).expect("plan json");
            txn.rollback().await.ok();
            let plan = &plan[0]["Plan"];
            pg_sorted_scan(plan, false).or_else(|| {
                cursor
                    .then(|| pg_walk_from_start(plan, false, false))
                    .flatten()
            })
        }
        _ => {
            let explain = Statement::from_sql_and_values(
                DbBackend::Sqlite,
                format!("EXPLAIN QUERY PLAN {}", statement.sql),
                statement.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let rows: Vec<(i64, i64, String)> = app
                .db
                .query_all_raw(explain)
                .await
                .expect("explain")
                .iter()
                .map(|r| {
                    (
                        r.try_get_by_index(0).expect("id"),
                        r.try_get_by_index(1).expect("parent"),
                        r.try_get_by_index(3).expect("detail"),
                    )
                })
                .collect();
            sqlite_sorted_scan(&rows)
                .or_else(|| cursor.then(|| sqlite_walk_from_start(&rows)).flatten())
        }
    }
}

backend_tests! {
    async fn every_sort_reads_an_index_in_order_on_first_and_cursor_pages(app) {
        let l = Listed::seed(&app, 60, 71).await;
        let filters = [Value::Null, json!({ "relationshipTypes": ["MARKETPLACE"] })];
        let mut checked = 0;
        for field in FIELDS {
            for direction in ["ASC", "DESC"] {
                for filter in &filters {
                    let o = json!([{ "field": field, "direction": direction }]);
                    let first = json!({ "o": o, "f": filter, "first": 5 });
                    let (info, statement) = page_statement(&app, &l, first).await;
                    let mut pages = vec![("first page", statement)];
                    for (what, vars) in [
                        ("page after a cursor", json!({ "o": o, "f": filter, "first": 5, "after": info["endCursor"] })),
                        ("page before a cursor", json!({ "o": o, "f": filter, "last": 5, "before": info["endCursor"] })),
                    ] {
                        pages.push((what, page_statement(&app, &l, vars).await.1));
                    }
                    for (what, statement) in pages {
                        let why = sorted_scan(&app, &statement, what != "first page").await;
                        assert!(
                            why.is_none(),
                            "{field} {direction} ({what}, filter {filter}): {} in {}",
                            why.unwrap_or_default(),
                            statement.sql
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 9 * 2 * 2 * 3);
    }

    async fn the_plan_check_catches_an_order_no_index_gives(app) {
        // The check itself: ordering by a column no list index holds must be reported.
        let l = Listed::seed(&app, 10, 72).await;
        let (_, mut statement) = page_statement(
            &app,
            &l,
            json!({ "o": [{ "field": "NAME", "direction": "ASC" }], "first": 5 }),
        )
        .await;
        statement.sql = statement.sql.replacen("ORDER BY", "ORDER BY \"campaign_partners\".\"updated_at\",", 1);
        assert!(sorted_scan(&app, &statement, false).await.is_some(), "{}", statement.sql);
    }
}
