//! The caller's situation and the category it points to, in the caller's
//! region: each region keeps only its own categories.

use chrono::NaiveDate;

use crate::rules::{Category, Policies};

/// A region's own categories: each national category the region has no rule
/// of its own for, mapped onto the one it uses instead (its rules.yaml
/// `maps_to`, e.g. Dongguan's migrant_worker → long_term_resident).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnCategories(Vec<(Category, Category)>);

impl OwnCategories {
    /// The mapping of `region`'s general scheme in force on `today`; empty
    /// for an unknown region.
    pub fn of(policies: &Policies, region: &str, today: NaiveDate) -> OwnCategories {
        let Some(scheme) = policies
            .regions
            .get(region)
            .and_then(|policy| policy.schemes.get("general"))
        else {
            return OwnCategories::default();
        };
        let mapped = Category::ALL.into_iter().filter_map(|category| {
            let target = scheme
                .categories
                .get(category.id())?
                .maps_to
                .as_ref()?
                .at(today)?;
            let own = Category::ALL
                .into_iter()
                .find(|other| other.id() == target.value)?;
            Some((category, own))
        });
        OwnCategories(mapped.collect())
    }

    /// The category the region uses for `category`.
    pub fn own(&self, category: Category) -> Category {
        self.0
            .iter()
            .find(|(national, _)| *national == category)
            .map_or(category, |(_, own)| *own)
    }
}

