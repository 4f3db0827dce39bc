//! Migration 000030: on SQLite an update that keeps a row's campaign and partner logs it once
//! (one version bump, one change row); one that moves the row logs both sides; one that changes
//! no column the facet index reads logs nothing: relationship rows, contract records and group
//! memberships alike. PostgreSQL logged each changed pair once
//! already and is left as it was.

use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbBackend};

use crate::support::{count, exec, insert_account, strings};

/// The campaign's list version.
async fn version(db: &DatabaseConnection) -> String {
    strings(
        db,
        "SELECT CAST(MAX(version) AS TEXT) FROM campaign_list_versions",
    )
    .await
    .concat()
}

/// Runs `sql` and returns how many change rows and version bumps it left.
async fn logged(db: &DatabaseConnection, sql: &str) -> (i64, i64) {
    let (rows, before) = (count(db, "campaign_list_changes").await, version(db).await);
    exec(db, sql).await;
    let bumps = version(db).await.parse::<i64>().unwrap() - before.parse::<i64>().unwrap();
    (count(db, "campaign_list_changes").await - rows, bumps)
}

/// Up to 000029, a relationship row in place, 000030 up and down.
pub async fn single_change_rows(db: &DatabaseConnection) {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    Migrator::up(db, Some(29)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), ('Q', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at) SELECT {account}, c.id, MIN(p.id), 'DIRECT', 'NEW', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p GROUP BY c.id")).await;
    let assign =
        "UPDATE campaign_partners SET assigned_user_id = (SELECT MIN(id) FROM account_users)";
    let unassign = "UPDATE campaign_partners SET assigned_user_id = NULL";
    let rename = "UPDATE campaign_partners SET partner_name = 'Renamed'";
    let moved = "UPDATE campaign_partners SET partner_id = (SELECT MAX(id) FROM partners)";
    // 000017's form: SQLite logs an update twice, PostgreSQL once.
    let twice = if sqlite { 2 } else { 1 };
    assert_eq!(logged(db, assign).await, (twice, twice));

    Migrator::up(db, Some(1)).await.unwrap();
    assert_eq!(logged(db, unassign).await, (1, 1));
    assert_eq!(
        logged(db, rename).await,
        (0, 0),
        "no column the index reads"
    );
    assert_eq!(logged(db, moved).await, (2, if sqlite { 2 } else { 1 }));
    let partners = strings(
        db,
        "SELECT CAST(partner_id AS TEXT) FROM campaign_list_changes ORDER BY id DESC LIMIT 2",
    )
    .await;
    assert_ne!(partners[0], partners[1], "the old and the new partner");
    // The contract records and group memberships likewise.
    exec(db, &format!("INSERT INTO partner_contracts (account_id, campaign_id, partner_id, name, status, start_date, created_at, updated_at) SELECT {account}, campaign_id, partner_id, 'T', 'ACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaign_partners")).await;
    let expire = "UPDATE partner_contracts SET status = 'EXPIRED'";
    let comment = "UPDATE partner_contracts SET comment = 'noted'";
    let move_record = "UPDATE partner_contracts SET partner_id = (SELECT MIN(id) FROM partners)";
    assert_eq!(logged(db, expire).await, (1, 1));
    assert_eq!(logged(db, comment).await, (0, 0));
    assert_eq!(
        logged(db, move_record).await,
        (2, if sqlite { 2 } else { 1 })
    );
    exec(db, &format!("INSERT INTO partner_groups (account_id, campaign_id, name, created_at, updated_at) SELECT {account}, id, g.n, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns, (SELECT 'A' AS n UNION ALL SELECT 'B') g")).await;
    exec(db, &format!("INSERT INTO partner_group_members (group_id, partner_id, account_id, campaign_id, added_at) SELECT MIN(g.id), cp.partner_id, {account}, cp.campaign_id, CURRENT_TIMESTAMP FROM partner_groups g, campaign_partners cp GROUP BY cp.partner_id, cp.campaign_id")).await;
    let regroup =
        "UPDATE partner_group_members SET group_id = (SELECT MAX(id) FROM partner_groups)";
    assert_eq!(logged(db, regroup).await, (1, 1));

    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(logged(db, assign).await, (twice, twice));
    assert_eq!(logged(db, rename).await, (0, 0));
    assert_eq!(
        logged(db, expire.replace("EXPIRED", "ACTIVE").as_str()).await,
        (twice, twice)
    );
    if sqlite {
        let moves = strings(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_changes_move'",
        )
        .await;
        assert!(moves.is_empty(), "{moves:?}");
    }
    Migrator::reset(db).await.unwrap();
}
