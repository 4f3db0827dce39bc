//! The answer's budget. The requested cost is decided before a request runs, with the lists
//! that are not connections at an estimate of their length; such a list far longer than its
//! estimate (a partner in 300 groups) makes the answer grow past anything the cost limit
//! allows — once 2.4 million objects, 112 MB and 2.3 GB of memory for a request priced 48,016.
//! So every field resolved also draws one from a budget of [`RESOLUTIONS_PER_COST`] times the
//! cost limit; past it, each further field fails at once, and a query answers
//! `QUERY_TOO_EXPENSIVE` with nothing else (a mutation, whose write is done, answers what it
//! resolved, each field left out with that error). What a request does is bounded by the
//! budget, whatever the data.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Value};

/// Fields an answer may resolve per unit of the cost limit: an object of the cost model with
/// its fields. A page of 500 partners with 80 columns and their groups resolves about 60,000.
pub const RESOLUTIONS_PER_COST: u64 = 10;

/// The fields a request may still resolve.
#[derive(Debug)]
pub struct Resolutions(AtomicI64);

impl Resolutions {
    /// A budget of `fields` resolutions, shared by the request's resolvers.
    pub fn new(fields: u64) -> Arc<Self> {
        Arc::new(Resolutions(AtomicI64::new(
            i64::try_from(fields).unwrap_or(i64::MAX),
        )))
    }

    /// Takes one; `false` once there is none left.
    fn take(&self) -> bool {
        self.0.fetch_sub(1, Ordering::Relaxed) > 0
    }

    /// Whether a field was refused for want of budget.
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
        if let Some(budget) = ctx.data_opt::<Arc<Resolutions>>() {
            if !budget.take() {
                let mut err =
                    ServerError::new("the answer grew past what the cost limit allows", None);
                let mut extensions = ErrorExtensionValues::default();
                extensions.set("code", "QUERY_TOO_EXPENSIVE");
                err.extensions = Some(extensions);
                return Err(err);
            }
        }
        next.run(ctx, info).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_spent_only_when_a_field_goes_without() {
        let budget = Resolutions::new(2);
        assert!(budget.take() && budget.take());
        assert!(!budget.spent(), "all taken, none refused");
        assert!(!budget.take());
        assert!(budget.spent());
    }
}
