//! Migration 000028: on PostgreSQL the stage copy follows updates through a row trigger that
//! fires only when the stage (or the row's campaign or partner) changes, and the account
//! manager's and the activity entries' account keys are dropped. SQLite is left as it was.

use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbBackend};

use crate::support::{exec, foreign_keys, insert_account, strings};

const MANAGER_FK: &str = "fk_campaign_partners_assigned_user_id SET NULL";
const ACTIVITY_ACCOUNT_FK: &str = "fk_activity_log_account_id CASCADE";

/// Up to 000027, rows in place, 000028 up and down.
pub async fn bulk_write_triggers(db: &DatabaseConnection) {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    Migrator::up(db, Some(27)).await.unwrap();
    let manager_keys = foreign_keys(db, "campaign_partners").await;
    let activity_keys = foreign_keys(db, "activity_log").await;
    assert!(
        manager_keys.contains(&MANAGER_FK.to_owned()),
        "{manager_keys:?}"
    );
    assert!(
        activity_keys.contains(&ACTIVITY_ACCOUNT_FK.to_owned()),
        "{activity_keys:?}"
    );
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'U', 'u@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO account_users (account_id, name, email, role, created_at) VALUES ({account}, 'V', 'v@x', 'ADMINISTRATOR', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, assigned_user_id, created_at, updated_at) SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', (SELECT MIN(id) FROM account_users), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p")).await;
    let stage = "SELECT s.relationship_stage FROM campaign_partner_stages s JOIN campaign_partners cp ON cp.id = s.id";

    Migrator::up(db, Some(1)).await.unwrap();
    // The copy follows a stage change, and an update of other columns leaves it be.
    exec(
        db,
        "UPDATE campaign_partners SET relationship_stage = 'JOINED'",
    )
    .await;
    assert_eq!(strings(db, stage).await, ["JOINED"]);
    // Marked behind the triggers' back: an update that leaves the stage as it is must not
    // touch the copy (the statement trigger of 000022 joined every updated row to it).
    exec(
        db,
        "UPDATE campaign_partner_stages SET relationship_stage = 'MARK'",
    )
    .await;
    exec(db, "UPDATE campaign_partners SET assigned_user_id = (SELECT MAX(id) FROM account_users), relationship_stage = relationship_stage").await;
    assert_eq!(strings(db, stage).await, ["MARK"]);
    exec(
        db,
        "UPDATE campaign_partners SET contract_status = 'ACTIVE', relationship_stage = 'EXPIRED'",
    )
    .await;
    assert_eq!(strings(db, stage).await, ["EXPIRED"]);
    let manager_keys_now = foreign_keys(db, "campaign_partners").await;
    let activity_keys_now = foreign_keys(db, "activity_log").await;
    assert_eq!(!manager_keys_now.contains(&MANAGER_FK.to_owned()), postgres);
    assert_eq!(
        !activity_keys_now.contains(&ACTIVITY_ACCOUNT_FK.to_owned()),
        postgres
    );
    assert_eq!(
        manager_keys_now.len() + usize::from(postgres),
        manager_keys.len()
    );
    if postgres {
        let triggers = strings(
            db,
            "SELECT tgname::text || ':' || CAST((tgtype & 1) AS TEXT) FROM pg_trigger \
             WHERE tgrelid = 'campaign_partners'::regclass AND tgname LIKE 'tr_campaign_partner_stages_%' ORDER BY tgname",
        )
        .await;
        // Bit 1 of tgtype: a row trigger.
        assert_eq!(
            triggers,
            [
                "tr_campaign_partner_stages_delete:0",
                "tr_campaign_partner_stages_insert:0",
                "tr_campaign_partner_stages_update:1"
            ]
        );
        // Without the keys nothing clears a removed user, nor an entry of an account that is
        // not there: down must.
        exec(db, "DELETE FROM account_users WHERE name = 'V'").await;
        exec(db, "INSERT INTO activity_log (account_id, action, created_at) VALUES (999999, 'ORPHAN', CURRENT_TIMESTAMP)").await;
    }

    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(foreign_keys(db, "campaign_partners").await, manager_keys);
    assert_eq!(foreign_keys(db, "activity_log").await, activity_keys);
    if postgres {
        let assigned = "SELECT CAST(assigned_user_id AS TEXT) FROM campaign_partners WHERE assigned_user_id IS NOT NULL";
        assert!(
            strings(db, assigned).await.is_empty(),
            "the removed user is no longer named"
        );
        let orphans = "SELECT action FROM activity_log WHERE action = 'ORPHAN'";
        assert!(
            strings(db, orphans).await.is_empty(),
            "the orphan entry went with its account"
        );
    }
    // The statement trigger of 000022 is back and still copies.
    exec(
        db,
        "UPDATE campaign_partners SET relationship_stage = 'JOINED'",
    )
    .await;
    assert_eq!(strings(db, stage).await, ["JOINED"]);
    Migrator::reset(db).await.unwrap();
}
