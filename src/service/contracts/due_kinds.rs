//! What the scheduled-change runner finds due: each kind of change with the condition that
//! claims its records ([`DUE`]), and the probe that tells whether a campaign has any
//! ([`due_probe`]).

/// The due records of a campaign (over `$1`, the time): the record, the change's kind and when
/// it fell due; one condition per index: an upcoming switch by its start
/// (`ix_pc_campaign_status_start`), a scheduled expiry (`ix_pc_campaign_expiry`), a current
/// contract by its own end (`ix_pc_campaign_status_end`). A contract whose end and expiry have
/// both come is the earlier one's (the expiry's on the same instant).
/// A pending proposal whose end has come lapses (`ix_pc_campaign_status_end`): the partner can
/// no longer accept terms that are over.
/// Each is claimed in a statement of its own: joined by OR, SQLite read the whole campaign's
/// records through the first index's campaign prefix (3.2 s) instead of two ranges.
pub(super) const DUE: [(&str, &str, &str); 4] = [
    ("status = 'UPCOMING' AND start_date <= $1", "'SWITCH'", "start_date"),
    (
        "status IN ('ACTIVE', 'SUSPENDED') AND expires_at <= $1 \
         AND (end_date IS NULL OR expires_at <= end_date)",
        "'SCHEDULED_EXPIRY'",
        "expires_at",
    ),
    (
        "status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1 \
         AND (expires_at IS NULL OR expires_at > end_date)",
        "CASE WHEN is_temporary AND fallback_template_id IS NOT NULL THEN 'FALLBACK' ELSE 'EXPIRE' END",
        "end_date",
    ),
    ("status = 'PENDING' AND end_date <= $1", "'LAPSE'", "end_date"),
];

/// SQL (over `$1`, the time): whether campaign `campaign` (SQL of its id) has any change of
/// [`DUE`] due. Each kind is one read of an index's first entry — the earliest start, end or
/// expiry of a status — so the probe costs the same whatever the campaign holds. Asked as
/// `EXISTS` over the claims' conditions, PostgreSQL read an active record's end by a sequential
/// scan of every record (0.35 s at a million partners), expecting the many ended records of
/// other statuses to match soon; a record whose end and expiry have both come is due either way.
pub(super) fn due_probe(campaign: &str) -> String {
    let earliest = |column: &str, status: &str| {
        format!(
            "(SELECT MIN({column}) FROM partner_contracts WHERE campaign_id = {campaign} \
             AND status = '{status}') <= $1"
        )
    };
    [
        earliest("start_date", "UPCOMING"),
        format!(
            "EXISTS (SELECT 1 FROM partner_contracts WHERE campaign_id = {campaign} \
             AND expires_at <= $1 AND status IN ('ACTIVE', 'SUSPENDED'))"
        ),
        earliest("end_date", "ACTIVE"),
        earliest("end_date", "SUSPENDED"),
        earliest("end_date", "PENDING"),
    ]
    .join(" OR ")
}
