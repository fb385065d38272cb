//! The Studio action types cxone-flow knows (the same GUIDs on every tenant) and what each means in
//! the flow model; every other action type is opaque.

use crate::flow::model::ElementKind;

/// A known action type: its name, its `libraryId` and the model kind it loads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownAction {
    pub name: &'static str,
    pub library_id: &'static str,
    pub kind: ElementKind,
}

/// The action types whose meaning is public (see docs/studio.md for the sources).
pub const KNOWN: [KnownAction; 16] = [
    KnownAction {
        name: "BEGIN",
        library_id: "b2f794c5-0232-40e7-9830-76d573bf57d7",
        kind: ElementKind::Start,
    },
    KnownAction {
        name: "PLAY",
        library_id: "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e2",
        kind: ElementKind::Play,
    },
    KnownAction {
        name: "MENU",
        library_id: "daee9c00-12ce-4222-a42e-307c37d53b7f",
        kind: ElementKind::Menu,
    },
    KnownAction {
        name: "ASSIGN",
        library_id: "9015c095-98d9-441f-bf92-e90f5c5ed8c8",
        kind: ElementKind::Set,
    },
    KnownAction {
        name: "REQAGENT",
        library_id: "689a4a1b-fa0d-47b3-9a02-cbeb4735f08f",
        kind: ElementKind::Queue,
    },
    KnownAction {
        name: "MUSIC",
        library_id: "dbcc742b-28d8-42d1-9d95-0d9abf20b04b",
        kind: ElementKind::Play,
    },
    KnownAction {
        name: "HANGUP",
        library_id: "b64a6796-4f66-4b1b-a9b5-3af926ab4b7c",
        kind: ElementKind::Hangup,
    },
    // Ends the script: the ordinary end of most real scripts, a success.
    KnownAction {
        name: "END",
        library_id: "93fb8888-30cf-4df3-8ed9-1f2986819080",
        kind: ElementKind::Hangup,
    },
    // Waits its `Seconds`, then follows `default`: a prompt of that length without words.
    KnownAction {
        name: "WAIT",
        library_id: "5bf67b1c-9736-434d-9b6f-0d856aea8f16",
        kind: ElementKind::Play,
    },
    // The actions whose logic a simulation runs (docs/studio.md): branches by label, as opaque
    // actions have, taken from the logic unless a case mocks them.
    KnownAction {
        name: "IF",
        library_id: "6695ba9c-e1d6-4f3c-a15a-94f1400e3169",
        kind: ElementKind::Unknown,
    },
    KnownAction {
        name: "CASE",
        library_id: "22050500-6dc0-4949-af9c-1e52975f141d",
        kind: ElementKind::Unknown,
    },
    KnownAction {
        name: "SNIPPET",
        library_id: "b333da63-33c8-4297-a58a-e9546cf7f0f2",
        kind: ElementKind::Unknown,
    },
    // Call another script by its `ScriptName` (docs/studio.md): followed when that script is in the
    // repository (RUNSUB comes back at its RETURN, RUNSCRIPT does not), else opaque (mocked).
    KnownAction {
        name: "RUNSUB",
        library_id: "f8b958d0-8cd3-40df-97d3-5862930b0807",
        kind: ElementKind::Unknown,
    },
    KnownAction {
        name: "RUNSCRIPT",
        library_id: "93232e99-d607-4e7d-9300-17986d70da3c",
        kind: ElementKind::Unknown,
    },
    // Takes `Repeat` its repeat branch `Repeat` times, then its `Finished` branch (docs/studio.md).
    KnownAction {
        name: "LOOP",
        library_id: "a10f9f27-a5dd-48ba-ae37-e206fc6e101b",
        kind: ElementKind::Unknown,
    },
    // Chooses the text-to-speech voice of later prompts: takes no time, follows `default`.
    KnownAction {
        name: "TTSVOICE",
        library_id: "8e121149-83ef-40e0-8ffe-341db5302671",
        kind: ElementKind::Play,
    },
];

/// The known action type of an action: by its `libraryId` when it has one (the GUID is what CXone
/// goes by), else by its `name`.
pub fn known(library_id: Option<&str>, name: &str) -> Option<&'static KnownAction> {
    match library_id {
        Some(guid) => KNOWN.iter().find(|a| a.library_id.eq_ignore_ascii_case(guid)),
        None => KNOWN.iter().find(|a| a.name == name),
    }
}

/// The known action type of a name.
pub fn by_name(name: &str) -> Option<&'static KnownAction> {
    KNOWN.iter().find(|a| a.name == name)
}

/// How many characters a `libraryId` may differ from a known GUID and still read as a typo of it
/// (two random GUIDs differ in about 30 of their 32 hex digits).
const GUID_TYPO_DISTANCE: usize = 2;

/// What an action with an unknown `libraryId` most likely meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meant {
    /// The known type whose GUID is a character or two from it.
    NearGuid(&'static KnownAction),
    /// The known type its `name` names.
    Named(&'static KnownAction),
}

impl Meant {
    pub fn action(self) -> &'static KnownAction {
        match self {
            Meant::NearGuid(action) | Meant::Named(action) => action,
        }
    }
}

/// The known action type an action with an unknown `library_id` most likely meant: the one whose
/// GUID is a character or two from it, else the one its `name` names.
pub fn meant(library_id: &str, name: &str) -> Option<Meant> {
    let library_id = library_id.to_ascii_lowercase();
    let counts = library_id.is_ascii().then(|| ascii_counts(&library_id));
    KNOWN
        .iter()
        // Most unknown GUIDs are nowhere near a known one, and a bound taken from the characters'
        // counts says so without the edit distance: that was four fifths of checking scripts with
        // a custom action per section (docs/performance.md).
        .zip(&KNOWN_COUNTS)
        .filter(|(_, known)| counts.is_none_or(|counts| distance_at_least(&counts, known) <= GUID_TYPO_DISTANCE))
        .map(|(a, _)| a)
        .map(|a| (strsim::levenshtein(&library_id, a.library_id), a))
        .filter(|&(distance, _)| distance <= GUID_TYPO_DISTANCE)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, a)| Meant::NearGuid(a))
        .or_else(|| by_name(name).map(Meant::Named))
}

/// The classes [`ascii_counts`] counts characters in: the 16 hex digits, `-`, and any other.
const CLASSES: usize = 18;

/// The class of an ASCII character: a GUID's characters apart, all others together. Counting
/// classes rather than characters keeps the bound below the edit distance (an edit still moves one
/// class's count up and one down at most) and makes it a few dozen steps, not hundreds.
const fn class(byte: u8) -> usize {
    match byte {
        b'0'..=b'9' => (byte - b'0') as usize,
        b'a'..=b'f' => (byte - b'a') as usize + 10,
        b'-' => 16,
        _ => 17,
    }
}

/// How many characters of each class stand in an ASCII `text`.
const fn ascii_counts(text: &str) -> [i32; CLASSES] {
    let mut counts = [0; CLASSES];
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        counts[class(bytes[at])] += 1;
        at += 1;
    }
    counts
}

/// Each known action's GUID counted by class, in [`KNOWN`]'s order: counted once, at compile time.
static KNOWN_COUNTS: [[i32; CLASSES]; KNOWN.len()] = {
    let mut all = [[0; CLASSES]; KNOWN.len()];
    let mut at = 0;
    while at < KNOWN.len() {
        all[at] = ascii_counts(KNOWN[at].library_id);
        at += 1;
    }
    all
};

/// A bound below the edit distance between the ASCII texts counted in `counts` and `other`: an
/// edit adds at most one character to the count of the classes one text has more of than the
/// other, and takes at most one from the count of those it has fewer of.
fn distance_at_least(counts: &[i32; CLASSES], other: &[i32; CLASSES]) -> usize {
    let mut difference = *counts;
    for (difference, other) in difference.iter_mut().zip(other) {
        *difference -= other;
    }
    let (more, fewer) = difference.iter().fold(
        (0, 0),
        |(more, fewer), &d| {
            if d > 0 { (more + d, fewer) } else { (more, fewer - d) }
        },
    );
    more.max(fewer).unsigned_abs() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound is never above the edit distance (typos, swaps, lengths, the known GUIDs).
    #[test]
    fn the_counts_bound_stays_below_the_edit_distance() {
        let play = "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e2";
        let texts = [
            play,
            "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e3",
            "1bb9a2dd-65b6-4626-9cf5-9cfa69cf59e2",
            "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59",
            "b1b9a2dd65b646269cf59cfa69cf59e2",
            "",
            "x",
            "aaaa",
        ];
        for a in texts.iter().chain(KNOWN.iter().map(|k| &k.library_id)) {
            for b in texts.iter().chain(KNOWN.iter().map(|k| &k.library_id)) {
                assert!(
                    distance_at_least(&ascii_counts(a), &ascii_counts(b)) <= strsim::levenshtein(a, b),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(distance_at_least(&ascii_counts(texts[1]), &ascii_counts(play)), 1);
        assert_eq!(distance_at_least(&ascii_counts(texts[2]), &ascii_counts(play)), 0);
    }

    #[test]
    fn the_guid_decides_over_the_name() {
        let menu = known(Some("DAEE9C00-12CE-4222-A42E-307C37D53B7F"), "PLAY").unwrap();
        assert_eq!(menu.name, "MENU");
        assert!(known(Some("00000000-0000-0000-0000-000000000000"), "MENU").is_none());
        assert_eq!(known(None, "HANGUP").map(|a| a.kind), Some(ElementKind::Hangup));
        assert!(known(None, "HOURS").is_none());
        assert_eq!(known(None, "IF").map(|a| a.kind), Some(ElementKind::Unknown));
        let end = known(Some("93FB8888-30CF-4DF3-8ED9-1F2986819080"), "END").unwrap();
        assert_eq!((end.name, end.kind), ("END", ElementKind::Hangup));
    }

    #[test]
    fn an_unknown_guid_is_meant_as_the_type_a_character_or_two_away_or_named() {
        let typo = "b1b9a2dd-65b6-4626-9cf5-9cfa69cf59e3";
        let play = by_name("PLAY").unwrap();
        assert_eq!(meant(typo, "HOURS"), Some(Meant::NearGuid(play)));
        assert_eq!(meant(&typo.to_ascii_uppercase(), "MENU"), Some(Meant::NearGuid(play)));
        assert_eq!(meant("B1B9A2DD-65B6-4626-9CF5-9CFA69CF5FFF", ""), None);
        let menu = by_name("MENU").unwrap();
        assert_eq!(
            meant("00000000-0000-0000-0000-000000000000", "MENU"),
            Some(Meant::Named(menu))
        );
        assert!(meant("00000000-0000-0000-0000-000000000000", "HOURS").is_none());
    }
}
