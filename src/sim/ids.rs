//! Element ids listed end to end in one string, for what a report keeps of every flow.

use serde::Serialize;

/// A list of ids kept end to end in one string: a run's report holds hundreds per flow (the
/// elements no case reaches, each case's path) for as long as it lives, at a few bytes each
/// instead of a string's 24 or an allocation each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ids {
    text: String,
    /// Each id's length in bytes (an id comes from a flow's text, which the parser keeps under
    /// 512 MiB, so a length fits in 32 bits: a `u32` each keeps the list in mimalloc's small blocks).
    lengths: Vec<u32>,
}

impl Ids {
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// The ids, in the order they were listed.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.lengths.iter().map(move |&length| {
            let end = start + length as usize;
            let id = self.text.get(start..end).unwrap_or_default();
            start = end;
            id
        })
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|listed| listed == id)
    }
}

impl<'a> FromIterator<&'a str> for Ids {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let mut list = Ids::default();
        for id in ids {
            list.text.push_str(id);
            list.lengths.push(u32::try_from(id.len()).unwrap_or(u32::MAX));
        }
        list
    }
}

impl Serialize for Ids {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids come back as listed, the empty one (an element whose id is missing) included, and are
    /// written to JSON as an array of strings.
    #[test]
    fn ids_keep_each_id_whole_and_in_order() {
        let ids: Ids = ["menu_main", "", "q0", "é"].into_iter().collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["menu_main", "", "q0", "é"]);
        assert!(ids.contains("q0") && ids.contains(""));
        assert!(!ids.contains("menu") && !ids.contains("q0é"));
        assert_eq!(serde_json::to_string(&ids).unwrap(), r#"["menu_main","","q0","é"]"#);
        assert!(Ids::default().is_empty());
        assert_eq!(serde_json::to_string(&Ids::default()).unwrap(), "[]");
    }
}
