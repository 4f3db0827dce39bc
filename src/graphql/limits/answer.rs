//! The answer's budget. The requested cost is decided before a request runs, with the lists
//! that are not connections at an estimate of their length; such a list far longer than its
//! estimate (a partner in 300 groups) makes the answer grow past anything the cost limit
//! allows — once 2.4 million objects, 112 MB and 2.3 GB of memory for a request priced 48,016.
//! So the objects an answer holds (the cost model's unit; scalars are free) are counted as they
//! are resolved, against [`OBJECTS_PER_COST`] times the cost limit; once past
//! it, every further field fails at once and the query answers `QUERY_TOO_EXPENSIVE` with
//! nothing else. Mutations are not limited so (their write is done; their payloads are priced
//! and small). What a query does is bounded by the budget, whatever the data.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerError, ServerResult, Value};

/// Objects an answer may hold per unit of the cost limit: ten times what the estimates allow.
pub const OBJECTS_PER_COST: u64 = 10;

/// The objects a request's answer may still hold.
#[derive(Debug)]
pub struct Resolutions(AtomicI64);

impl Resolutions {
    /// A budget of `objects`, shared by the request's resolvers.
    pub fn new(objects: u64) -> Arc<Self> {
        Arc::new(Resolutions(AtomicI64::new(
            i64::try_from(objects).unwrap_or(i64::MAX),
        )))
    }

    /// Takes `n`; `false` when that overdraws it.
    fn take(&self, n: i64) -> bool {
        self.0.fetch_sub(n, Ordering::Relaxed) >= n
    }

    /// Whether the answer has grown past the budget.
    pub fn spent(&self) -> bool {
        self.0.load(Ordering::Relaxed) < 0
    }
}

/// The extension drawing from a request's [`Resolutions`] (in its data; a request without one
/// is not limited).
pub struct AnswerBudget;

impl ExtensionFactory for AnswerBudget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AnswerBudget)
    }
}

#[async_trait::async_trait]
impl Extension for AnswerBudget {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let Some(budget) = ctx.data_opt::<Arc<Resolutions>>() else {
            return next.run(ctx, info).await;
        };
        if budget.spent() {
            return Err(over_budget());
        }
        // The executor passes each item of a list through here too: an object, wherever it
        // stands, is counted once.
        let value = next.run(ctx, info).await?;
        if matches!(value, Some(Value::Object(_))) && !budget.take(1) {
            return Err(over_budget());
        }
        Ok(value)
    }
}

fn over_budget() -> ServerError {
    super::with_code(
        ServerError::new("the answer grew past what the cost limit allows", None),
        "QUERY_TOO_EXPENSIVE",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_spent_only_when_overdrawn() {
        let budget = Resolutions::new(5);
        assert!(budget.take(2) && budget.take(3));
        assert!(!budget.spent(), "all taken, none over");
        assert!(!budget.take(1));
        assert!(budget.spent());
    }
}
