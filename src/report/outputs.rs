//! Step outputs in the `GITHUB_OUTPUT` file format: `name=value`, or the heredoc form with a
//! delimiter that does not occur in the value when the value spans lines.

/// Formats one output. A value with a line break (or one that would be ambiguous) takes the
/// multi-line form; its delimiter is random and checked against the value.
pub fn format(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let mut delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    while value.contains(&delimiter) {
        delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_multi_line_values() {
        assert_eq!(format("errors", "3"), "errors=3\n");
        let text = format("published", "[\n1\n]");
        let delimiter = text.lines().next().unwrap().strip_prefix("published<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_"));
        assert_eq!(text, format!("published<<{delimiter}\n[\n1\n]\n{delimiter}\n"));
    }
}
