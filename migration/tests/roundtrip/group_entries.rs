//! Migration 000034: group entries written without a campaign get the campaign their details
//! name, when it is one of the entry's account; down takes it away again.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::support::{exec, insert_account, strings};

pub async fn group_entries_in_campaign(db: &DatabaseConnection) {
    Migrator::up(db, Some(33)).await.unwrap();
    let mine = insert_account(db, "AC1").await;
    let theirs = insert_account(db, "AC2").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({mine}, 'Mine', 'USD', CURRENT_TIMESTAMP), ({theirs}, 'Theirs', 'USD', CURRENT_TIMESTAMP)")).await;
    let ids = strings(db, "SELECT CAST(id AS TEXT) FROM campaigns ORDER BY id").await;
    let entry = |campaign: &str, action: &str| {
        format!("INSERT INTO activity_log (account_id, action, details, created_at) VALUES ({mine}, '{action}', '{{\"groupId\":1,\"name\":\"G\",\"campaignId\":{campaign}}}', CURRENT_TIMESTAMP)")
    };
    exec(db, &entry(&ids[0], "PARTNER_GROUP_CREATED")).await;
    exec(db, &entry(&ids[0], "PARTNER_GROUP_DELETED")).await;
    exec(db, &entry(&ids[1], "PARTNER_GROUP_UPDATED")).await;
    exec(db, &entry(&ids[0], "SOMETHING_ELSE")).await;
    let campaigns = || async {
        strings(db, "SELECT action || ':' || COALESCE(CAST(campaign_id AS TEXT), '-') FROM activity_log ORDER BY id").await
    };
    Migrator::up(db, Some(1)).await.unwrap();
    let c = &ids[0];
    assert_eq!(
        campaigns().await,
        [
            format!("PARTNER_GROUP_CREATED:{c}"),
            format!("PARTNER_GROUP_DELETED:{c}"),
            "PARTNER_GROUP_UPDATED:-".to_owned(),
            "SOMETHING_ELSE:-".to_owned()
        ],
        "another account's campaign is not taken, other actions are left alone"
    );
    Migrator::down(db, Some(1)).await.unwrap();
    assert!(campaigns().await.iter().all(|e| e.ends_with(":-")));
    Migrator::reset(db).await.unwrap();
}
