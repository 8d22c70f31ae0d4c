//! Placeholder of the gazetteer's public face (being written).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub province: String,
    pub city: Option<String>,
}
