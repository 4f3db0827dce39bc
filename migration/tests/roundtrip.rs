//! Runs every migration up, down (all the way) and up again on SQLite, and on PostgreSQL too when
//! `TEST_DATABASE_URL` (a `postgres://` URL to an existing database) is set.
#![allow(clippy::unwrap_used)]

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend};

const TABLES: [&str; 29] = [
    "accounts",
    "account_users",
    "api_credentials",
    "campaigns",
    "partners",
    "partner_attributes",
    "media_properties",
    "partner_contacts",
    "partner_account_links",
    "campaign_partners",
    "partner_groups",
    "partner_group_members",
    "contract_templates",
    "partner_contracts",
    "contract_history",
    "custom_fields",
    "custom_field_options",
    "custom_field_answers",
    "custom_field_answer_options",
    "notes",
    "activity_log",
    "partner_views",
    "campaign_list_versions",
    "campaign_list_changes",
    "campaign_partner_stages",
    "partner_access_tokens",
    "partner_exports",
    "action_trackers",
    "change_log_pauses",
];

#[path = "roundtrip/bulk_writes.rs"]
mod bulk_writes;
#[path = "roundtrip/change_log_pauses.rs"]
mod change_log_pauses;
#[path = "roundtrip/change_rows.rs"]
mod change_rows;
#[path = "roundtrip/custom_fields.rs"]
mod custom_fields;
#[path = "roundtrip/folded_answers.rs"]
mod folded_answers;
#[path = "roundtrip/group_entries.rs"]
mod group_entries;
#[path = "roundtrip/record_indexes.rs"]
mod record_indexes;
#[path = "roundtrip/scheduled_expiries.rs"]
mod scheduled_expiries;
#[path = "roundtrip/sigma_folding.rs"]
mod sigma_folding;
#[path = "roundtrip/steps.rs"]
mod steps;
#[path = "roundtrip/support.rs"]
mod support;

use custom_fields::custom_field_management;
use steps::{
    campaign_emails, contract_writes, date_joined_changes, lean_foreign_keys, stage_order,
};
use support::{count, exec, indexes, insert_account, strings, tables};

async fn roundtrip(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    let mut expected: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
    expected.sort();
    let mut found = tables(db).await;
    let search_tables = found
        .iter()
        .filter(|t| t.starts_with("campaign_partner_search"))
        .count();
    found.retain(|t| !t.starts_with("campaign_partner_search"));
    assert_eq!(found, expected);
    // Substring search: an FTS5 trigram table (and its shadow tables) on SQLite, a pg_trgm index on PostgreSQL.
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    assert_eq!(search_tables, if postgres { 0 } else { 5 });
    if postgres {
        // Migration 000018: searches are estimated from a finer sample.
        let target = strings(
            db,
            "SELECT CAST(attstattarget AS TEXT) FROM pg_attribute \
             WHERE attrelid = 'campaign_partners'::regclass AND attname = 'search_text'",
        )
        .await;
        assert_eq!(target, ["1000"]);
        // Migration 000020: no change-log trigger pairs a statement's old and new rows by a
        // join (a plan kept from a small first call made a large update quadratic).
        let functions = strings(
            db,
            "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE proname LIKE 'log\\_%\\_changes'",
        )
        .await;
        assert_eq!(functions.len(), 4, "{functions:?}");
        assert!(
            functions.iter().all(|f| !f.contains("JOIN old_rows")),
            "{functions:?}"
        );
        assert_eq!(
            functions.iter().filter(|f| f.contains("HAVING")).count(),
            2,
            "{functions:?}"
        );
    }
    // Migration 000022 drops four indexes on PostgreSQL and one on SQLite, and adds one;
    // 000023 adds two (notes and activity by campaign), 000024 two (access tokens), 000025 one
    // (export tokens), 000027 one (action tracker names), 000029 one on PostgreSQL (open contract records),
    // 000032 one (scheduled expiries); 000037 drops one (activity by account).
    let expected_indexes = if postgres { 61 } else { 62 };
    assert_eq!(
        indexes(db).await.len(),
        expected_indexes,
        "{:?}",
        indexes(db).await
    );
    assert!(Migrator::get_pending_migrations(db)
        .await
        .unwrap()
        .is_empty());

    if db.get_database_backend() == DbBackend::Sqlite {
        // SQLite only auto-increments a rowid alias: a column declared `integer primary key`.
        let ddl = strings(db, "SELECT sql FROM sqlite_master WHERE name = 'accounts'").await;
        assert!(
            ddl[0].contains(r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#),
            "{}",
            ddl[0]
        );
    }

    // Auto-increment ids.
    let first = insert_account(db, "AC1").await;
    let second = insert_account(db, "AC2").await;
    assert!(first > 0, "id {first}");
    assert_eq!(second, first + 1);

    // Unique sid.
    let dup = "INSERT INTO accounts (sid, name, time_zone, created_at) \
               VALUES ('AC1', 'x', 'UTC', CURRENT_TIMESTAMP)";
    assert!(db.execute_unprepared(dup).await.is_err());

    // Defaults, cascades and SET NULL.
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({first}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({first}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, assigned_user_id, created_at, updated_at) SELECT {first}, c.id, p.id, 'DIRECT', 'NEW', u.id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p, account_users u")).await;
    // Every write the list's facets count bumps the campaign's list version.
    let version = "SELECT CAST(version AS TEXT) FROM campaign_list_versions";
    let first_version = strings(db, version).await;
    assert_eq!(first_version, ["1"]);
    exec(db, "UPDATE campaign_partners SET country = 'US'").await;
    let after_update = strings(db, version).await;
    assert_ne!(after_update, first_version);
    exec(db, "INSERT INTO partner_attributes (partner_id, kind, value) SELECT id, 'BUSINESS_MODEL', 'CONTENT' FROM partners").await;
    let after_attribute = strings(db, version).await;
    assert_ne!(after_attribute, after_update);
    // Each version logs the partners it changed (migration 000017).
    let logged = strings(
        db,
        "SELECT CAST(c.version AS TEXT) || ':' || CAST(c.partner_id AS TEXT) \
         FROM campaign_list_changes c, partners p WHERE c.partner_id = p.id",
    )
    .await;
    assert!(
        logged.contains(&format!("{}:1", after_update[0]))
            || logged.iter().any(|l| l.ends_with(":1")),
        "{logged:?}"
    );
    assert!(
        logged.contains(&format!("{}:1", after_attribute[0])),
        "{logged:?}"
    );
    // A write to a column the index does not hold is no change: SQLite's triggers name the
    // columns that matter, PostgreSQL's compare the statement's old and new rows.
    exec(
        db,
        "UPDATE campaign_partners SET updated_at = CURRENT_TIMESTAMP",
    )
    .await;
    assert_eq!(strings(db, version).await, after_attribute);
    // Migration 000021: the facet index holds the date joined too, so its change is one.
    exec(
        db,
        "UPDATE campaign_partners SET date_joined = CURRENT_TIMESTAMP",
    )
    .await;
    assert_ne!(strings(db, version).await, after_attribute);
    let reach = strings(
        db,
        "SELECT CAST(p.social_reach AS TEXT) || ':' || CAST(access_url_eligible AS TEXT) \
         FROM partners p, campaign_partners cp",
    )
    .await;
    assert!(reach == ["0:0"] || reach == ["0:false"], "{reach:?}");
    exec(db, "DELETE FROM account_users").await;
    let unassigned = strings(
        db,
        "SELECT relationship_stage FROM campaign_partners WHERE assigned_user_id IS NULL",
    )
    .await;
    // PostgreSQL has no key on the account manager since 000028 (users are never removed).
    let cleared: &[&str] = if postgres { &[] } else { &["NEW"] };
    assert_eq!(unassigned, cleared);
    exec(db, &format!("DELETE FROM accounts WHERE id = {first}")).await;
    assert_eq!(count(db, "campaigns").await, 0);
    assert_eq!(count(db, "campaign_partners").await, 0);
    assert_eq!(count(db, "partners").await, 1);

    // All the way down leaves nothing behind.
    Migrator::down(db, None).await.unwrap();
    assert_eq!(tables(db).await, Vec::<String>::new());
    assert_eq!(indexes(db).await, Vec::<String>::new());

    // And up again.
    Migrator::up(db, None).await.unwrap();
    let mut again = tables(db).await;
    again.retain(|t| !t.starts_with("campaign_partner_search"));
    assert_eq!(again, expected);
    assert_eq!(insert_account(db, "AC3").await, 1);
    Migrator::reset(db).await.unwrap();
}

#[tokio::test]
async fn sqlite_roundtrip() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    roundtrip(&db).await;
    lean_foreign_keys(&db).await;
    campaign_emails(&db).await;
    contract_writes(&db).await;
    date_joined_changes(&db).await;
    stage_order(&db).await;
    custom_field_management(&db).await;
    bulk_writes::bulk_write_triggers(&db).await;
    change_rows::single_change_rows(&db).await;
    record_indexes::partial_record_indexes(&db).await;
    scheduled_expiries::scheduled_expiries(&db).await;
    change_log_pauses::change_log_pauses(&db).await;
    group_entries::group_entries_in_campaign(&db).await;
    folded_answers::folded_answer_text(&db).await;
    sigma_folding::sigma_folding(&db).await;
    db.close().await.unwrap();
}

#[tokio::test]
async fn postgres_roundtrip() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL not set; skipping the PostgreSQL round trip");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!("mig_{}_{nanos}", std::process::id());
    let admin = Database::connect(&admin_url).await.unwrap();
    exec(&admin, &format!("CREATE DATABASE {name}")).await;

    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url.as_str(), String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    let url = format!("{host_part}/{name}{query}");

    let db = Database::connect(&url).await.unwrap();
    roundtrip(&db).await;
    lean_foreign_keys(&db).await;
    campaign_emails(&db).await;
    contract_writes(&db).await;
    date_joined_changes(&db).await;
    stage_order(&db).await;
    custom_field_management(&db).await;
    bulk_writes::bulk_write_triggers(&db).await;
    change_rows::single_change_rows(&db).await;
    record_indexes::partial_record_indexes(&db).await;
    scheduled_expiries::scheduled_expiries(&db).await;
    change_log_pauses::change_log_pauses(&db).await;
    group_entries::group_entries_in_campaign(&db).await;
    folded_answers::folded_answer_text(&db).await;
    sigma_folding::sigma_folding(&db).await;
    db.close().await.unwrap();

    exec(&admin, &format!("DROP DATABASE {name}")).await;
    admin.close().await.unwrap();
}
