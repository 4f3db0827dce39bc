//! Runs every migration up, down (all the way) and up again on SQLite, and on PostgreSQL too when
//! `TEST_DATABASE_URL` (a `postgres://` URL to an existing database) is set.
#![allow(clippy::unwrap_used)]

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

const TABLES: [&str; 24] = [
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
];

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let stmt = Statement::from_string(db.get_database_backend(), sql);
    let mut names: Vec<String> = db
        .query_all_raw(stmt)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    names.sort();
    names
}

/// User tables, without the migration bookkeeping table.
async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
    };
    let mut names = strings(db, sql).await;
    names.retain(|n| n != "seaql_migrations");
    names
}

/// Named indexes (those the migrations create: `ix_*` / `ux_*`).
async fn indexes(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index'",
        _ => "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()",
    };
    let mut names = strings(db, sql).await;
    names.retain(|n| n.starts_with("ix_") || n.starts_with("ux_"));
    names
}

async fn insert_account(db: &DatabaseConnection, sid: &str) -> i64 {
    let sql = format!(
        "INSERT INTO accounts (sid, name, time_zone, created_at) \
         VALUES ('{sid}', 'Brand', 'UTC', CURRENT_TIMESTAMP) RETURNING id"
    );
    let stmt = Statement::from_string(db.get_database_backend(), sql);
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let stmt = Statement::from_string(
        db.get_database_backend(),
        format!("SELECT COUNT(*) FROM {table}"),
    );
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap();
}

/// Foreign keys of `table` as `<name> <ON DELETE action>`. SQLite keeps no constraint names, so
/// there the name is rebuilt the way the migrations make it: `fk_<table>_<column>`.
async fn foreign_keys(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => format!(
            "SELECT 'fk_{table}_' || \"from\" || ' ' || on_delete \
             FROM pragma_foreign_key_list('{table}')"
        ),
        _ => format!(
            "SELECT conname::text || ' ' || \
             CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' END \
             FROM pg_constraint WHERE contype = 'f' AND conrelid = '{table}'::regclass"
        ),
    };
    strings(db, &sql).await
}

/// SQLite's stored `CREATE TABLE` of `table`.
async fn sqlite_ddl(db: &DatabaseConnection, table: &str) -> String {
    let sql = format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'");
    strings(db, &sql).await.remove(0)
}

/// A `CREATE TABLE` without its foreign key clauses (SQLite writes them after the columns).
/// A table's DDL up to its foreign key clauses (and without the closing parenthesis).
fn without_foreign_keys(ddl: &str) -> &str {
    let columns = ddl.split(", FOREIGN KEY").next().unwrap();
    columns.strip_suffix(" )").unwrap_or(columns)
}

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
    let expected_indexes = if postgres { 57 } else { 56 };
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
    assert_eq!(unassigned, ["NEW"]);
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

const MEMBER_FKS: [&str; 4] = [
    "fk_partner_group_members_account_id CASCADE",
    "fk_partner_group_members_campaign_id CASCADE",
    "fk_partner_group_members_group_id CASCADE",
    "fk_partner_group_members_partner_id CASCADE",
];
const ACTIVITY_FKS: [&str; 4] = [
    "fk_activity_log_account_id CASCADE",
    "fk_activity_log_campaign_id CASCADE",
    "fk_activity_log_partner_id CASCADE",
    "fk_activity_log_user_id SET NULL",
];

/// Migration 000011 drops the foreign keys bulk group changes pay for and keeps columns, indexes,
/// rows and ids; its `down` brings the keys back.
async fn lean_foreign_keys(db: &DatabaseConnection) {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    Migrator::up(db, Some(10)).await.unwrap();
    let indexes_before = indexes(db).await;
    let ddl_before = if sqlite {
        vec![
            sqlite_ddl(db, "partner_group_members").await,
            sqlite_ddl(db, "activity_log").await,
        ]
    } else {
        Vec::new()
    };
    assert_eq!(foreign_keys(db, "partner_group_members").await, MEMBER_FKS);
    assert_eq!(foreign_keys(db, "activity_log").await, ACTIVITY_FKS);

    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO partner_groups (account_id, campaign_id, name, created_at, updated_at) SELECT {account}, id, 'G', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns")).await;
    exec(db, &format!("INSERT INTO partner_group_members (group_id, partner_id, account_id, campaign_id, added_at) SELECT g.id, p.id, {account}, g.campaign_id, CURRENT_TIMESTAMP FROM partner_groups g, partners p")).await;
    for action in ["kept", "deleted"] {
        exec(db, &format!("INSERT INTO activity_log (account_id, campaign_id, partner_id, user_id, action, created_at) SELECT {account}, c.id, p.id, u.id, '{action}', CURRENT_TIMESTAMP FROM campaigns c, partners p, account_users u")).await;
    }
    exec(db, "DELETE FROM activity_log WHERE action = 'deleted'").await;
    let activity = "SELECT CAST(id AS TEXT) || ' ' || action FROM activity_log";
    let kept_activity = strings(db, activity).await;

    Migrator::up(db, Some(1)).await.unwrap();
    assert!(foreign_keys(db, "partner_group_members").await.is_empty());
    assert_eq!(
        foreign_keys(db, "activity_log").await,
        ["fk_activity_log_account_id CASCADE"]
    );
    assert_eq!(indexes(db).await, indexes_before);
    assert_eq!(count(db, "partner_group_members").await, 1);
    assert_eq!(strings(db, activity).await, kept_activity);
    if sqlite {
        // Same columns, same types, byte for byte: only the foreign key clauses went.
        let ddl_after = [
            sqlite_ddl(db, "partner_group_members").await,
            sqlite_ddl(db, "activity_log").await,
        ];
        for (before, after) in ddl_before.iter().zip(&ddl_after) {
            assert_eq!(without_foreign_keys(before), without_foreign_keys(after));
        }
        assert!(ddl_after[1].contains(r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#));
    }
    // Ids go on where they were, never reusing that of the deleted entry (1 kept, 2 deleted).
    exec(db, &format!("INSERT INTO activity_log (account_id, action, created_at) VALUES ({account}, 'new', CURRENT_TIMESTAMP)")).await;
    assert_eq!(strings(db, activity).await, ["1 kept", "3 new"]);
    // The audit trail outlives the user it names.
    exec(db, "DELETE FROM account_users").await;
    assert_eq!(count(db, "activity_log").await, 2);

    // Down restores every key (clearing the reference to the deleted user first), rows stay.
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(foreign_keys(db, "partner_group_members").await, MEMBER_FKS);
    assert_eq!(foreign_keys(db, "activity_log").await, ACTIVITY_FKS);
    assert_eq!(indexes(db).await, indexes_before);
    assert_eq!(count(db, "partner_group_members").await, 1);
    let without_user = "SELECT action FROM activity_log WHERE user_id IS NULL";
    assert_eq!(strings(db, without_user).await, ["kept", "new"]);
    if sqlite {
        assert_eq!(sqlite_ddl(db, "partner_group_members").await, ddl_before[0]);
        assert_eq!(sqlite_ddl(db, "activity_log").await, ddl_before[1]);
    }
    Migrator::reset(db).await.unwrap();
}

/// Migration 000014 copies each profile's address, lower-cased, onto its relationships (the
/// earliest of a campaign's duplicates keeps it), makes it unique per campaign, and goes again.
async fn campaign_emails(db: &DatabaseConnection) {
    Migrator::up(db, Some(13)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    for name in ["C1", "C2"] {
        exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, '{name}', 'USD', CURRENT_TIMESTAMP)")).await;
    }
    for (name, email) in [
        ("P1", "'Team@Deals.example'"),
        ("P2", "'team@deals.example'"),
        ("P3", "NULL"),
        ("P4", "'solo@x.example'"),
    ] {
        exec(db, &format!("INSERT INTO partners (name, email, created_at, updated_at) VALUES ('{name}', {email}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")).await;
    }
    // Every partner in the first campaign, the second partner also in the second.
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at) SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p WHERE c.name = 'C1' OR p.name = 'P2' ORDER BY c.id, p.id")).await;
    let rows = "SELECT c.name || ' ' || p.name || ' ' || COALESCE(cp.email, '-') FROM campaign_partners cp \
                JOIN campaigns c ON c.id = cp.campaign_id JOIN partners p ON p.id = cp.partner_id";
    let before = count(db, "campaign_partners").await;

    Migrator::up(db, Some(1)).await.unwrap();
    assert_eq!(
        strings(db, rows).await,
        [
            "C1 P1 team@deals.example",
            "C1 P2 -",
            "C1 P3 -",
            "C1 P4 solo@x.example",
            "C2 P2 team@deals.example"
        ]
    );
    assert!(indexes(db)
        .await
        .contains(&"ux_campaign_partners_campaign_email".to_owned()));
    let taken = format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at, email) SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'solo@x.example' FROM campaigns c, partners p WHERE c.name = 'C2' AND p.name = 'P4'");
    assert!(
        db.execute_unprepared(&taken).await.is_ok(),
        "free in another campaign"
    );
    let again = taken.replace("'C2'", "'C1'").replace("'P4'", "'P3'");
    assert!(
        db.execute_unprepared(&again).await.is_err(),
        "taken in this campaign"
    );

    Migrator::down(db, Some(1)).await.unwrap();
    assert!(!indexes(db)
        .await
        .contains(&"ux_campaign_partners_campaign_email".to_owned()));
    assert!(db
        .execute_unprepared("SELECT email FROM campaign_partners")
        .await
        .is_err());
    assert_eq!(count(db, "campaign_partners").await, before + 1);
    Migrator::reset(db).await.unwrap();
}

/// Migration 000019 drops the contract tables' foreign keys on PostgreSQL (SQLite keeps them)
/// and indexes the runner's due changes by campaign; its `down` clears what the keys would have
/// cleared and brings them back.
async fn contract_writes(db: &DatabaseConnection) {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    Migrator::up(db, Some(18)).await.unwrap();
    let keys_before = [
        foreign_keys(db, "partner_contracts").await,
        foreign_keys(db, "contract_history").await,
    ];
    assert_eq!(keys_before[0].len(), 6, "{keys_before:?}");
    assert_eq!(keys_before[1].len(), 6, "{keys_before:?}");
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO contract_templates (account_id, campaign_id, name, payout_type, payout_value, created_at) SELECT {account}, id, 'T', 'PERCENT', 5, CURRENT_TIMESTAMP FROM campaigns")).await;
    exec(db, &format!("INSERT INTO partner_contracts (account_id, campaign_id, partner_id, template_id, name, status, start_date, created_by_user_id, created_at, updated_at) SELECT {account}, c.id, p.id, t.id, 'T', 'ACTIVE', CURRENT_TIMESTAMP, u.id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p, contract_templates t, account_users u")).await;
    exec(db, &format!("INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, template_id, user_id, created_at) SELECT {account}, campaign_id, partner_id, id, 'SWITCHED', template_id, created_by_user_id, CURRENT_TIMESTAMP FROM partner_contracts")).await;

    Migrator::up(db, Some(1)).await.unwrap();
    let found = indexes(db).await;
    assert!(
        found.contains(&"ix_pc_campaign_status_start".to_owned()),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|i| i.starts_with("ix_pc_status_")),
        "{found:?}"
    );
    if postgres {
        assert!(foreign_keys(db, "partner_contracts").await.is_empty());
        assert!(foreign_keys(db, "contract_history").await.is_empty());
        // Without the keys nothing stops a user's removal: down must clean up after it.
        exec(db, "DELETE FROM account_users").await;
        assert_eq!(
            strings(
                db,
                "SELECT CAST(user_id AS TEXT) FROM contract_history WHERE user_id IS NOT NULL"
            )
            .await
            .len(),
            1
        );
    } else {
        assert_eq!(foreign_keys(db, "partner_contracts").await, keys_before[0]);
        assert_eq!(foreign_keys(db, "contract_history").await, keys_before[1]);
        exec(db, "DELETE FROM account_users").await;
    }

    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(foreign_keys(db, "partner_contracts").await, keys_before[0]);
    assert_eq!(foreign_keys(db, "contract_history").await, keys_before[1]);
    let found = indexes(db).await;
    assert!(
        !found.contains(&"ix_pc_campaign_status_start".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"ix_pc_status_start".to_owned()),
        "{found:?}"
    );
    // The deleted user is no longer named; the records and their history stay.
    let named = "SELECT CAST(created_by_user_id AS TEXT) FROM partner_contracts WHERE created_by_user_id IS NOT NULL";
    assert!(strings(db, named).await.is_empty());
    assert!(strings(
        db,
        "SELECT action FROM contract_history WHERE user_id IS NOT NULL"
    )
    .await
    .is_empty());
    assert_eq!(count(db, "partner_contracts").await, 1);
    assert_eq!(count(db, "contract_history").await, 1);
    Migrator::reset(db).await.unwrap();
}

#[tokio::test]
async fn sqlite_roundtrip() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    roundtrip(&db).await;
    lean_foreign_keys(&db).await;
    campaign_emails(&db).await;
    contract_writes(&db).await;
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
    db.close().await.unwrap();

    exec(&admin, &format!("DROP DATABASE {name}")).await;
    admin.close().await.unwrap();
}
