//! Migration 000031: on PostgreSQL three status-holding indexes of `partner_contracts` keep only
//! the statuses read through them (open records; open and expired ones for the end index); down
//! makes them whole again. SQLite is left as it was.

use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbBackend};

use crate::support::strings;

/// `name: predicate` of each of the three indexes (`-` when whole).
async fn predicates(db: &DatabaseConnection) -> Vec<String> {
    strings(
        db,
        "SELECT c.relname::text || ': ' || COALESCE(pg_get_expr(i.indpred, i.indrelid), '-') \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname IN ('ix_pc_campaign_template_status', 'ix_pc_campaign_status_start', \
         'ix_pc_campaign_status_end') ORDER BY c.relname",
    )
    .await
}

/// Up to 000030, 000031 up and down.
pub async fn partial_record_indexes(db: &DatabaseConnection) {
    Migrator::up(db, Some(30)).await.unwrap();
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, Some(1)).await.unwrap();
        Migrator::down(db, Some(1)).await.unwrap();
        Migrator::reset(db).await.unwrap();
        return;
    }
    let whole = [
        "ix_pc_campaign_status_end: -",
        "ix_pc_campaign_status_start: -",
        "ix_pc_campaign_template_status: -",
    ];
    assert_eq!(predicates(db).await, whole);
    Migrator::up(db, Some(1)).await.unwrap();
    let open = "'PENDING'::character varying, 'UPCOMING'::character varying, \
                'ACTIVE'::character varying, 'SUSPENDED'::character varying";
    assert_eq!(
        predicates(db).await,
        [
            format!("ix_pc_campaign_status_end: ((status)::text = ANY ((ARRAY[{open}, 'EXPIRED'::character varying])::text[]))"),
            format!("ix_pc_campaign_status_start: ((status)::text = ANY ((ARRAY[{open}])::text[]))"),
            format!("ix_pc_campaign_template_status: ((status)::text = ANY ((ARRAY[{open}])::text[]))"),
        ]
    );
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(predicates(db).await, whole);
    Migrator::reset(db).await.unwrap();
}
