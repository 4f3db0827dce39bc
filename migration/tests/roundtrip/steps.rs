//! Migrations that move keys or data, each taken up and down on its own with rows in place.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

use crate::support::{
    count, exec, foreign_keys, indexes, insert_account, sqlite_ddl, strings, tables,
    without_foreign_keys,
};

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
pub async fn lean_foreign_keys(db: &DatabaseConnection) {
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
pub async fn campaign_emails(db: &DatabaseConnection) {
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
pub async fn contract_writes(db: &DatabaseConnection) {
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

/// Migration 000021 counts a change of the date joined as a change of the list (the facet
/// index holds it); its `down` no longer does.
pub async fn date_joined_changes(db: &DatabaseConnection) {
    Migrator::up(db, Some(20)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at) SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p")).await;
    let version = "SELECT CAST(version AS TEXT) FROM campaign_list_versions";
    let join = |year: i32| {
        format!("UPDATE campaign_partners SET date_joined = '{year}-01-02 03:04:05+00:00'")
    };
    let before = strings(db, version).await;
    exec(db, &join(2020)).await;
    assert_eq!(strings(db, version).await, before, "not yet a change");

    Migrator::up(db, Some(1)).await.unwrap();
    exec(db, &join(2021)).await;
    let after = strings(db, version).await;
    assert_ne!(
        after, before,
        "a change of the date joined bumps the version"
    );
    // The same date again is no change.
    exec(db, &join(2021)).await;
    assert_eq!(strings(db, version).await, after);

    Migrator::down(db, Some(1)).await.unwrap();
    exec(db, &join(2022)).await;
    assert_eq!(
        strings(db, version).await,
        after,
        "down: no longer a change"
    );
    Migrator::reset(db).await.unwrap();
}

/// Migration 000022: the stage moves to `campaign_partner_stages` for sorting, kept equal to
/// `campaign_partners` by triggers through inserts, updates and deletes (cascaded ones too);
/// PostgreSQL drops every index on a column bulk actions change and leaves room for HOT
/// updates. `down` puts the indexes back.
pub async fn stage_order(db: &DatabaseConnection) {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    Migrator::up(db, Some(21)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('Q', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    let relate = |partner: &str, stage: &str| {
        format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, created_at, updated_at) \
                 SELECT {account}, c.id, p.id, 'DIRECT', '{stage}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p WHERE p.name = '{partner}'")
    };
    exec(db, &relate("P", "NEW")).await;
    let stages = "SELECT CAST(s.partner_id AS TEXT) || ':' || s.relationship_stage FROM campaign_partner_stages s \
                  JOIN campaign_partners cp ON cp.id = s.id AND cp.campaign_id = s.campaign_id AND cp.partner_id = s.partner_id \
                  ORDER BY s.partner_id";

    Migrator::up(db, Some(1)).await.unwrap();
    let p = strings(db, "SELECT CAST(id AS TEXT) FROM partners WHERE name = 'P'").await[0].clone();
    let q = strings(db, "SELECT CAST(id AS TEXT) FROM partners WHERE name = 'Q'").await[0].clone();
    assert_eq!(
        strings(db, stages).await,
        [format!("{p}:NEW")],
        "filled from the existing rows"
    );
    exec(db, &relate("Q", "OUTREACH")).await;
    exec(db, "UPDATE campaign_partners SET relationship_stage = 'JOINED' WHERE relationship_stage = 'NEW'").await;
    exec(
        db,
        "UPDATE campaign_partners SET contract_status = 'ACTIVE'",
    )
    .await;
    assert_eq!(
        strings(db, stages).await,
        [format!("{p}:JOINED"), format!("{q}:OUTREACH")],
        "inserts and updates copied"
    );
    exec(
        db,
        &format!("DELETE FROM campaign_partners WHERE partner_id = {q}"),
    )
    .await;
    assert_eq!(
        strings(db, stages).await,
        [format!("{p}:JOINED")],
        "a delete removes"
    );
    let found = indexes(db).await;
    assert!(
        found.contains(&"ix_cp_stages_order".to_owned()),
        "{found:?}"
    );
    assert!(!found.contains(&"ix_cp_list_stage".to_owned()), "{found:?}");
    for changed in [
        "ix_cp_campaign_stage",
        "ix_cp_campaign_contract_status",
        "ix_cp_campaign_assigned_user",
    ] {
        assert_eq!(
            found.contains(&changed.to_owned()),
            !postgres,
            "{changed}: {found:?}"
        );
    }
    if postgres {
        let options = strings(
            db,
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'campaign_partners'",
        )
        .await;
        assert_eq!(options, ["fillfactor=80"]);
    }
    exec(db, &format!("DELETE FROM accounts WHERE id = {account}")).await;
    assert_eq!(
        count(db, "campaign_partner_stages").await,
        0,
        "cascaded deletes too"
    );

    Migrator::down(db, Some(1)).await.unwrap();
    let found = indexes(db).await;
    assert!(
        !found.contains(&"ix_cp_stages_order".to_owned()),
        "{found:?}"
    );
    for back in [
        "ix_cp_list_stage",
        "ix_cp_campaign_stage",
        "ix_cp_campaign_contract_status",
        "ix_cp_campaign_assigned_user",
    ] {
        assert!(found.contains(&back.to_owned()), "{back}: {found:?}");
    }
    assert!(!tables(db)
        .await
        .contains(&"campaign_partner_stages".to_owned()));
    Migrator::reset(db).await.unwrap();
}
