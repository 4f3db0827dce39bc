//! Notes on ~20% of relationships (every note type; author an account user) and a few
//! activity-log entries for each noted partner.

use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, chance, cover, pick, weighted};
use super::relationships::Rel;
use super::tables::{ACTIVITY_LOG, NOTES};
use super::words::NOTE_BODIES;
use crate::domain::NoteType;

const NOTE_TYPES: &[(NoteType, u32)] = &[
    (NoteType::Email, 40),
    (NoteType::None, 30),
    (NoteType::Phone, 15),
    (NoteType::Im, 15),
];

/// Activity actions besides `NOTE_ADDED`.
const ACTIONS: &[&str] = &[
    "RELATIONSHIP_STAGE_CHANGED",
    "ASSIGNED_USER_CHANGED",
    "GROUP_MEMBERSHIP_CHANGED",
    "CONTRACT_CHANGED",
    "CUSTOM_FIELD_UPDATED",
];

impl Generator {
    /// 1-3 notes for ~20% of relationships (the first ones of a campaign show every type),
    /// each logged, plus 0-2 other activity entries.
    pub(crate) fn notes(&mut self, rel: &Rel) {
        let forced = cover(rel.k, NoteType::ALL);
        if self.users.is_empty() || (forced.is_none() && !chance(&mut self.rng, 0.2)) {
            return;
        }
        let count = self.rng.random_range(1..=3);
        for n in 0..count {
            let rng = &mut self.rng;
            let note_type = match forced {
                Some(t) if n == 0 => t,
                _ => weighted(rng, NOTE_TYPES),
            };
            let author = *pick(rng, &self.users);
            let created_at = between(rng, rel.created_at, self.now);
            let body = *pick(rng, NOTE_BODIES);
            let id = next(&mut self.ids.note);
            self.batch.rows(&NOTES).push([
                id.into(),
                self.account_id.into(),
                rel.campaign_id.into(),
                rel.partner_id.into(),
                Some(author).into(),
                Value::from(note_type.as_str()),
                Value::from(body),
                created_at.into(),
            ]);
            let details =
                serde_json::json!({ "noteId": id, "noteType": note_type.as_str() }).to_string();
            self.activity(rel, Some(author), "NOTE_ADDED", details, created_at);
        }
        for _ in 0..self.rng.random_range(0..=2) {
            let rng = &mut self.rng;
            let action = *pick(rng, ACTIONS);
            let user = chance(rng, 0.9).then(|| *pick(rng, &self.users));
            let at = between(rng, rel.created_at, self.now);
            let details = match action {
                "RELATIONSHIP_STAGE_CHANGED" => {
                    serde_json::json!({ "from": "NEGOTIATING", "to": "JOINED" })
                }
                "ASSIGNED_USER_CHANGED" => serde_json::json!({ "assignedUserId": user }),
                "GROUP_MEMBERSHIP_CHANGED" => serde_json::json!({ "added": 1, "removed": 0 }),
                "CONTRACT_CHANGED" => serde_json::json!({ "change": "SWITCH" }),
                _ => serde_json::json!({ "fields": 1 }),
            }
            .to_string();
            self.activity(rel, user, action, details, at);
        }
    }

    fn activity(
        &mut self,
        rel: &Rel,
        user: Option<i64>,
        action: &str,
        details: String,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        let id = next(&mut self.ids.activity);
        self.batch.rows(&ACTIVITY_LOG).push([
            id.into(),
            self.account_id.into(),
            Some(rel.campaign_id).into(),
            Some(rel.partner_id).into(),
            user.into(),
            Value::from(action),
            Some(details).into(),
            at.into(),
        ]);
    }
}
