//! Pages under facet filters of a few matches are read by the relationship rows the facet
//! index found, not by the filter. Every page, forwards and backwards, in every order, must be
//! the page the filter gives in SQL.

use serde_json::{json, Value};

use crate::list_facet_index::{first_of, in_sql};
use crate::list_support::Listed;
use crate::support::{backend_tests, TestApp};

const PAGE: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $first: Int, $after: String, $last: Int, $before: String) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { partnerId country } } } }";

/// Every page of `filter` in `order`, nine at a time: forwards from the start, then backwards
/// from the end.
async fn walk(app: &TestApp, l: &Listed, filter: &Value, order: &Value) -> Vec<Value> {
    let mut pages = Vec::new();
    for forwards in [true, false] {
        let mut cursor = Value::Null;
        loop {
            let vars = if forwards {
                json!({ "c": l.campaign, "f": filter, "o": order, "first": 9, "after": cursor })
            } else {
                json!({ "c": l.campaign, "f": filter, "o": order, "last": 9, "before": cursor })
            };
            let page = app.data_as(&l.account, PAGE, vars).await["partners"].clone();
            let info = &page["pageInfo"];
            let (more, next) = if forwards {
                (
                    info["hasNextPage"].as_bool().unwrap(),
                    info["endCursor"].clone(),
                )
            } else {
                (
                    info["hasPreviousPage"].as_bool().unwrap(),
                    info["startCursor"].clone(),
                )
            };
            pages.push(page);
            if !more {
                break;
            }
            cursor = next;
        }
    }
    pages
}

/// The partner ids of the forward pages of a walk, and the total they report.
fn listed(pages: &[Value]) -> (Vec<i64>, i64) {
    let mut ids = Vec::new();
    for page in pages {
        ids.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["partnerId"].as_i64().unwrap()),
        );
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
    }
    (ids, pages[0]["totalCount"].as_i64().unwrap())
}

/// Moves a partner to another country behind the facet index's back: the campaign's list
/// version is put back to what it was, so the index read before stays in use and what it
/// answers shows.
async fn hide_from_the_index(app: &TestApp, campaign: &str, partner: i64, country: &str) {
    use sea_orm::ConnectionTrait;
    let version =
        format!("SELECT version FROM campaign_list_versions WHERE campaign_id = {campaign}");
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            version,
        ))
        .await
        .unwrap()
        .unwrap();
    let version: i64 = row.try_get_by_index(0).unwrap();
    for sql in [
        format!("UPDATE campaign_partners SET country = '{country}' WHERE campaign_id = {campaign} AND partner_id = {partner}"),
        format!("UPDATE campaign_list_versions SET version = {version} WHERE campaign_id = {campaign}"),
    ] {
        app.db.execute_unprepared(&sql).await.unwrap();
    }
}

const BY_COUNTRY: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 500) { totalCount nodes { partnerId } } }";

/// The partner ids of the first page of three under `filter` in `order`.
async fn first_three(app: &TestApp, l: &Listed, filter: &Value, order: &Value) -> Vec<i64> {
    let vars = json!({ "c": l.campaign, "f": filter, "o": order, "first": 3 });
    let page = app.data_as(&l.account, PAGE, vars).await;
    page["partners"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["partnerId"].as_i64().unwrap())
        .collect()
}

/// Partner ids listed under `filter`, and the total.
async fn under(app: &TestApp, l: &Listed, filter: Value) -> (Vec<i64>, i64) {
    let data = app
        .data_as(
            &l.account,
            BY_COUNTRY,
            json!({ "c": l.campaign, "f": filter }),
        )
        .await;
    let ids = data["partners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["partnerId"].as_i64().unwrap())
        .collect();
    (ids, data["partners"]["totalCount"].as_i64().unwrap())
}

backend_tests! {
    async fn pages_read_by_the_index_rows_equal_pages_read_by_the_filter(app) {
        let l = Listed::seed(&app, 120, 81).await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let (g1, g2) = first_of(&l, "groups", "groupId");
        let filters = [
            json!({}),
            json!({ "countries": [country] }),
            json!({ "groupIds": [g1, g2] }),
            json!({ "inNoGroup": true }),
            json!({ "groupIds": ["987654"] }),
            json!({ "sizes": ["SMALL", "LARGE"], "relationshipStages": ["JOINED", "NEW"] }),
            json!({ "countries": [country], "groupIds": [g1], "contractStatuses": ["ACTIVE"] }),
            json!({ "unassigned": true, "and": [{ "relationshipTypes": ["MARKETPLACE"] }] }),
        ];
        let orders = [
            // The index picks the page itself in these three (and the default) orders.
            json!([{ "field": "DATE_JOINED", "direction": "DESC" }]),
            json!([{ "field": "DATE_JOINED", "direction": "ASC" }]),
            json!([{ "field": "PARTNER_ID", "direction": "DESC" }]),
            json!([{ "field": "NAME", "direction": "ASC" }]),
            // Few distinct values: the id breaks most ties.
            json!([{ "field": "SIZE", "direction": "DESC" }, { "field": "COUNTRY", "direction": "ASC" }]),
        ];
        let mut seen = 0;
        for filter in &filters {
            for order in &orders {
                let indexed = walk(&app, &l, filter, order).await;
                assert_eq!(indexed, walk(&app, &l, &in_sql(filter), order).await, "under {filter} in {order}");
                let (ids, total) = listed(&indexed);
                assert_eq!(ids.len() as i64, total, "the pages hold the total under {filter}");
                seen += ids.len();
            }
        }
        assert!(seen > 1_000, "the filters list partners: {seen}");
    }

    async fn the_page_comes_from_the_index_rows_up_to_the_configured_number(app) {
        let l = Listed::seed(&app, 40, 82).await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let filter = json!({ "countries": [country] });
        let (before, total) = under(&app, &l, filter.clone()).await;
        assert_eq!(before.len() as i64, total);
        let moved = before[0];
        hide_from_the_index(&app, &l.campaign, moved, "AQ").await;
        // The index still counts and lists the partner under its old country: the page was
        // read by the index's rows. SQL, which reads the rows themselves, no longer does.
        assert_eq!(under(&app, &l, filter.clone()).await, (before.clone(), total));
        let (in_sql_ids, in_sql_total) = under(&app, &l, in_sql(&filter)).await;
        assert!(!in_sql_ids.contains(&moved));
        assert_eq!(in_sql_total, total - 1);

        // With no rows handed to pages, the same index counts, and the filter reads the page.
        let app = TestApp::spawn_configured(app.backend(), false, |c| c.facet_index_page_rows = Some(0))
            .await
            .unwrap();
        let l = Listed::seed(&app, 40, 82).await;
        let filter = json!({ "countries": [l.common("country")] });
        let (before, total) = under(&app, &l, filter.clone()).await;
        hide_from_the_index(&app, &l.campaign, before[0], "AQ").await;
        let (ids, counted) = under(&app, &l, filter).await;
        assert_eq!(counted, total, "counted by the index");
        assert_eq!(ids, before[1..].to_vec(), "listed by the filter");
    }

    async fn the_index_hands_a_page_in_date_joined_order_only_its_own_rows(app) {
        let l = Listed::seed(&app, 80, 83).await;
        let filter = json!({ "relationshipTypes": ["DIRECT", "MARKETPLACE"] });
        let order = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
        let vars = json!({ "c": l.campaign, "f": filter, "o": order, "first": 5 });
        app.data_as(&l.account, PAGE, vars.clone()).await;
        app.statement_log().record();
        let page = app.data_as(&l.account, PAGE, vars.clone()).await;
        let ran = app.statement_log().take();
        assert!(page["partners"]["totalCount"].as_i64().unwrap() > 40, "{page}");
        let handed: Vec<usize> = ran
            .iter()
            .filter(|s| s.sql.contains("json_each") || s.sql.contains("string_to_array"))
            .flat_map(|s| s.values.iter().flat_map(|v| v.0.iter()))
            .filter_map(|v| match v {
                sea_orm::Value::String(Some(list)) => Some(list.split(',').count()),
                _ => None,
            })
            .collect();
        // The five rows of the page and the probe row telling whether more follow.
        assert_eq!(handed, vec![6], "{ran:#?}");
        // And the page is the filter's own.
        let in_sql = app
            .data_as(&l.account, PAGE, json!({ "c": l.campaign, "f": in_sql(&filter), "o": order, "first": 5 }))
            .await;
        assert_eq!(page["partners"]["edges"], in_sql["partners"]["edges"]);
    }

    async fn a_changed_date_joined_moves_the_partner_in_the_pages_the_index_picks(app) {
        use sea_orm::ConnectionTrait;
        let l = Listed::seed(&app, 60, 84).await;
        let filter = json!({ "relationshipTypes": ["DIRECT", "MARKETPLACE"] });
        let order = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
        let before = first_three(&app, &l, &filter, &order).await;
        let (all, _) = under(&app, &l, filter.clone()).await;
        let last = *all.iter().find(|p| !before.contains(p)).unwrap();
        // Through the database, as any writer would: the change log tells the index.
        app.db
            .execute_unprepared(&format!(
                "UPDATE campaign_partners SET date_joined = '2099-01-01 00:00:00+00:00' \
                 WHERE campaign_id = {} AND partner_id = {last}",
                l.campaign
            ))
            .await
            .unwrap();
        let after = first_three(&app, &l, &filter, &order).await;
        assert_eq!(after[0], last, "the newest joined first: {after:?}");
        assert_eq!(after[1..], before[..2]);
    }

    async fn a_picked_row_gone_since_the_index_was_read_does_not_end_the_pages(app) {
        use sea_orm::ConnectionTrait;
        let l = Listed::seed(&app, 60, 85).await;
        let filter = json!({ "relationshipTypes": ["DIRECT", "MARKETPLACE"] });
        let order = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
        let before = first_three(&app, &l, &filter, &order).await;
        // The first partner leaves the campaign behind the index's back (its version put
        // back): the index still picks its row, which the page query no longer finds.
        let version: i64 = app
            .texts(&format!("SELECT CAST(version AS TEXT) FROM campaign_list_versions WHERE campaign_id = {}", l.campaign))
            .await[0]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        for sql in [
            format!("DELETE FROM campaign_partners WHERE campaign_id = {} AND partner_id = {}", l.campaign, before[0]),
            format!("UPDATE campaign_list_versions SET version = {version} WHERE campaign_id = {}", l.campaign),
        ] {
            app.db.execute_unprepared(&sql).await.unwrap();
        }
        let vars = json!({ "c": l.campaign, "f": filter, "o": order, "first": 3 });
        let page = app.data_as(&l.account, PAGE, vars).await["partners"].clone();
        let ids: Vec<i64> = page["edges"].as_array().unwrap().iter()
            .map(|e| e["node"]["partnerId"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), 3, "a full page: {page}");
        assert_eq!(ids[..2], before[1..]);
        assert_eq!(page["pageInfo"]["hasNextPage"], true, "more pages follow: {page}");
    }
}
