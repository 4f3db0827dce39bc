//! Text compared ignoring case is folded letter by letter: a Greek capital sigma becomes `σ`
//! wherever it stands. `str::to_lowercase` writes `ς` at the end of a word, and the end of a
//! search term is the end of its word: `ΑΣ` found nothing in `ΑΣΑ Deals` (stored `ασα deals`),
//! and a group could be named `ΟΔΟΣ` beside `οδοσ` on SQLite. The server now folds with
//! `domain::text::fold_case` (`ς` as `σ`); this folds what is stored the same way: the
//! partners' search text and the text answers' folded copies. Group, field and option names are
//! compared folded by the server and stored as given: two names of one campaign that differ
//! only so (possible on SQLite before, whose unique index folds ASCII only) stay until one is
//! renamed. Down leaves the text as it is
//! (which `σ` were `ς` is not kept): the earlier server then finds a word-final sigma as it
//! did before, only by a term that ends elsewhere.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Written the same on both databases; SQLite's search index follows `search_text` by
        // its update trigger (its trigram tokenizer folds `ς` itself).
        db.execute_unprepared(
            "UPDATE campaign_partners SET search_text = REPLACE(search_text, 'ς', 'σ') \
             WHERE search_text LIKE '%ς%'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE custom_field_answers SET text_folded = REPLACE(text_folded, 'ς', 'σ') \
             WHERE text_folded LIKE '%ς%'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
