//! Migration 000033: the change-log triggers skip the rows of a campaign in `change_log_pauses`
//! (the bulk engine logs its selection itself) and log every other campaign's rows as before:
//! relationship rows, contract records and group memberships, inserted, updated and deleted.
//! Down restores the unconditional triggers and drops the table.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::support::{count, exec, insert_account, strings, tables};

/// Runs `sql`; returns the campaigns (ids as text, sorted) it logged changes for.
async fn logged_campaigns(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let last = strings(
        db,
        "SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM campaign_list_changes",
    )
    .await
    .concat();
    exec(db, sql).await;
    strings(
        db,
        &format!("SELECT DISTINCT CAST(campaign_id AS TEXT) FROM campaign_list_changes WHERE id > {last} ORDER BY 1"),
    )
    .await
}

/// Up to 000032, two campaigns with a partner each, 000033 up and down.
pub async fn change_log_pauses(db: &DatabaseConnection) {
    Migrator::up(db, Some(32)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C1', 'USD', CURRENT_TIMESTAMP), ({account}, 'C2', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at) SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p")).await;
    exec(db, &format!("INSERT INTO partner_groups (account_id, campaign_id, name, created_at, updated_at) SELECT {account}, id, 'G', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns")).await;
    let campaigns = strings(db, "SELECT CAST(id AS TEXT) FROM campaigns ORDER BY id").await;
    let (first, both) = (campaigns[0].clone(), campaigns.clone());
    let assign =
        "UPDATE campaign_partners SET assigned_user_id = (SELECT MIN(id) FROM account_users)";
    let unassign = "UPDATE campaign_partners SET assigned_user_id = NULL";
    let contract = format!("INSERT INTO partner_contracts (account_id, campaign_id, partner_id, name, status, start_date, created_at, updated_at) SELECT {account}, campaign_id, partner_id, 'T', 'ACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaign_partners");
    let expire = "UPDATE partner_contracts SET status = 'EXPIRED'";
    let join = format!("INSERT INTO partner_group_members (group_id, partner_id, account_id, campaign_id, added_at) SELECT g.id, cp.partner_id, {account}, cp.campaign_id, CURRENT_TIMESTAMP FROM partner_groups g JOIN campaign_partners cp ON cp.campaign_id = g.campaign_id");
    let leave = "DELETE FROM partner_group_members";

    Migrator::up(db, Some(1)).await.unwrap();
    assert!(tables(db).await.contains(&"change_log_pauses".to_owned()));
    assert_eq!(
        logged_campaigns(db, assign).await,
        both,
        "nothing paused: both logged"
    );
    exec(
        db,
        &format!("INSERT INTO change_log_pauses (campaign_id) VALUES ({first})"),
    )
    .await;
    let second = vec![campaigns[1].clone()];
    for sql in [unassign, &contract, expire, &join, leave] {
        assert_eq!(
            logged_campaigns(db, sql).await,
            second,
            "the paused campaign skipped: {sql}"
        );
    }
    exec(db, "DELETE FROM change_log_pauses").await;
    assert_eq!(
        logged_campaigns(db, assign).await,
        both,
        "logged again once resumed"
    );

    Migrator::down(db, Some(1)).await.unwrap();
    assert!(!tables(db).await.contains(&"change_log_pauses".to_owned()));
    assert_eq!(logged_campaigns(db, unassign).await, both);
    assert_eq!(logged_campaigns(db, &join).await, both);
    assert!(count(db, "campaign_list_changes").await > 0);
    Migrator::reset(db).await.unwrap();
}
