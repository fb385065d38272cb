//! An action's properties in a script's JSON (`{"0": {"name", "value"}, ...}`): read and set by name.

use serde_json::{Value, json};

fn field<'v>(property: &'v Value, key: &str) -> Option<&'v str> {
    property.get(key).and_then(Value::as_str)
}

/// The value of the property `name` among an action's properties.
pub fn property<'v>(properties: &'v Value, name: &str) -> Option<&'v str> {
    let entries = properties.as_object()?.values();
    entries
        .filter(|p| field(p, "name") == Some(name))
        .find_map(|p| field(p, "value"))
}

/// Sets (or adds) a property's value, keeping the others and their order.
pub fn set_property(properties: &mut Value, name: &str, value: String) {
    let Some(map) = properties.as_object_mut() else { return };
    match map.values_mut().find(|p| field(p, "name") == Some(name)) {
        Some(entry) => entry["value"] = Value::String(value),
        None => {
            let key = (0..)
                .map(|i: usize| i.to_string())
                .find(|k| !map.contains_key(k))
                .unwrap_or_default();
            map.insert(key, json!({"name": name, "value": value}));
        }
    }
}
