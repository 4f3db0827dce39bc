//! Migration 000032: a scheduled expiry moves from a current record's `end_date` (not temporary)
//! into `expires_at`; a temporary contract's end, a closed record's end and a record without one
//! stay where they are. Down moves the expiries back.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::support::{exec, indexes, insert_account, strings};

/// `name: status, has end, has expiry, temporary` of every record.
async fn records(db: &DatabaseConnection, expiry: bool) -> Vec<String> {
    let expires = if expiry {
        "CASE WHEN expires_at IS NULL THEN 'no expiry' ELSE 'expiry' END"
    } else {
        "'-'"
    };
    strings(
        db,
        &format!(
            "SELECT name || ': ' || status || ', ' || CASE WHEN end_date IS NULL THEN 'no end' ELSE 'end' END \
             || ', ' || {expires} || ', ' || CASE WHEN is_temporary THEN 'temporary' ELSE 'permanent' END \
             FROM partner_contracts"
        ),
    )
    .await
}

/// Up to 000031, four records, 000032 up and down.
pub async fn scheduled_expiries(db: &DatabaseConnection) {
    Migrator::up(db, Some(31)).await.unwrap();
    let account = insert_account(db, "AC32").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    for (name, status, end, temporary) in [
        ("a expiring", "ACTIVE", true, false),
        ("b temporary", "ACTIVE", true, true),
        ("c open-ended", "SUSPENDED", false, false),
        ("d replaced", "REPLACED", true, false),
    ] {
        let end = if end { "CURRENT_TIMESTAMP" } else { "NULL" };
        exec(db, &format!(
            "INSERT INTO partner_contracts (account_id, campaign_id, partner_id, name, status, start_date, end_date, \
             is_temporary, created_at, updated_at) SELECT {account}, c.id, p.id, '{name}', '{status}', \
             CURRENT_TIMESTAMP, {end}, {temporary}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p"
        )).await;
    }
    let before = records(db, false).await;
    assert_eq!(
        before,
        [
            "a expiring: ACTIVE, end, -, permanent",
            "b temporary: ACTIVE, end, -, temporary",
            "c open-ended: SUSPENDED, no end, -, permanent",
            "d replaced: REPLACED, end, -, permanent",
        ]
    );

    Migrator::up(db, Some(1)).await.unwrap();
    assert_eq!(
        records(db, true).await,
        [
            "a expiring: ACTIVE, no end, expiry, permanent",
            "b temporary: ACTIVE, end, no expiry, temporary",
            "c open-ended: SUSPENDED, no end, no expiry, permanent",
            "d replaced: REPLACED, end, no expiry, permanent",
        ]
    );
    assert!(indexes(db)
        .await
        .contains(&"ix_pc_campaign_expiry".to_owned()));

    // A temporary contract whose expiry comes on (or before) its own end: down keeps the expiry
    // as the end of a permanent contract (the old model held one end).
    exec(
        db,
        "UPDATE partner_contracts SET expires_at = end_date WHERE name = 'b temporary'",
    )
    .await;

    Migrator::down(db, Some(1)).await.unwrap();
    let mut after = before.clone();
    after[1] = "b temporary: ACTIVE, end, -, permanent".to_owned();
    assert_eq!(records(db, false).await, after);
    assert!(
        db.execute_unprepared("SELECT expires_at FROM partner_contracts")
            .await
            .is_err(),
        "the column is gone"
    );
    assert!(!indexes(db)
        .await
        .contains(&"ix_pc_campaign_expiry".to_owned()));
    Migrator::reset(db).await.unwrap();
}
