//! Writing the order of a campaign's fields, or of a field's options, in one statement whatever
//! their number: `position` 0, 1, ... in the order given, for the rows whose position changes.

use sea_orm::ConnectionTrait;

use crate::error::AppResult;
use crate::service::contracts::sql::exec;

/// Gives the rows of `table` with ids `ordered` the positions 0, 1, ... in that order, where
/// `current` (each row's position now, in the same order) differs; one `UPDATE` (none when
/// nothing moves). Returns each row's new position, in order. The ids are the caller's, read
/// under the campaign's write lock (numbers, written into the statement).
pub(super) async fn set(
    db: &impl ConnectionTrait,
    table: &str,
    ordered: &[i64],
    current: &[i32],
) -> AppResult<Vec<i32>> {
    let positions: Vec<i32> = (0..ordered.len())
        .map(|i| i32::try_from(i).unwrap_or(i32::MAX))
        .collect();
    let moved: Vec<(i64, i32)> = ordered
        .iter()
        .zip(&positions)
        .zip(current)
        .filter(|((_, new), old)| new != old)
        .map(|((id, new), _)| (*id, *new))
        .collect();
    if !moved.is_empty() {
        let cases: String = moved
            .iter()
            .map(|(id, position)| format!(" WHEN {id} THEN {position}"))
            .collect();
        let ids: Vec<String> = moved.iter().map(|(id, _)| id.to_string()).collect();
        exec(
            db,
            &format!(
                "UPDATE {table} SET position = CASE id{cases} END WHERE id IN ({})",
                ids.join(", ")
            ),
            vec![],
        )
        .await?;
    }
    Ok(positions)
}
