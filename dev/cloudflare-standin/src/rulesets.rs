//! The zone's phase entry point rulesets and their rules: created by `PUT` (which replaces the
//! rule list, as Cloudflare's does), rules added, patched and deleted by id. Every change bumps
//! the ruleset's version. Pure.

use serde_json::{Value, json};

use crate::reply::{self, Reply};
use crate::zone::Zone;

impl Zone {
    /// `GET rulesets/phases/{phase}/entrypoint`
    pub fn get_entrypoint(&self, phase: &str) -> Reply {
        match self.entrypoints.get(phase) {
            Some(ruleset) => reply::ok(ruleset.clone()),
            None => reply::no_entrypoint(phase),
        }
    }

    /// `PUT rulesets/phases/{phase}/entrypoint`: creates the entry point, or replaces its rules.
    pub fn put_entrypoint(&mut self, phase: &str, body: &Value) -> Reply {
        let mut rules = Vec::new();
        for rule in body["rules"].as_array().into_iter().flatten() {
            rules.push(self.stored_rule(rule, None));
        }
        if let Some(problem) = duplicate_ref(&rules) {
            return problem;
        }
        let id = match self.entrypoints.get(phase) {
            Some(existing) => existing["id"].as_str().unwrap_or_default().to_owned(),
            None => self.new_id(),
        };
        let version = self.entrypoints.get(phase).map_or(1, |r| version(r) + 1);
        let ruleset = json!({
            "id": id, "name": body.get("name").cloned().unwrap_or(json!("default")), "description": body.get("description").cloned().unwrap_or(json!("")),
            "kind": "zone", "phase": phase, "version": version.to_string(), "last_updated": "2026-01-01T00:00:00Z", "rules": rules,
        });
        self.entrypoints.insert(phase.to_owned(), ruleset.clone());
        reply::ok(ruleset)
    }

    /// `POST rulesets/{ruleset}/rules`: appended (a `position` is not modelled).
    pub fn create_rule(&mut self, ruleset_id: &str, body: &Value) -> Reply {
        let rule = self.stored_rule(body, None);
        self.change(ruleset_id, |rules| {
            rules.push(rule);
            Ok(())
        })
    }

    /// `PATCH rulesets/{ruleset}/rules/{rule}`: the rule's definition replaced, its id kept.
    pub fn patch_rule(&mut self, ruleset_id: &str, rule_id: &str, body: &Value) -> Reply {
        let rule = self.stored_rule(body, Some(rule_id));
        self.change(ruleset_id, |rules| {
            let slot = rules
                .iter_mut()
                .find(|r| r["id"] == rule_id)
                .ok_or_else(rule_not_found)?;
            let next = version(slot) + 1;
            *slot = rule;
            slot["version"] = json!(next.to_string());
            Ok(())
        })
    }

    /// `DELETE rulesets/{ruleset}/rules/{rule}`
    pub fn delete_rule(&mut self, ruleset_id: &str, rule_id: &str) -> Reply {
        self.change(ruleset_id, |rules| {
            let before = rules.len();
            rules.retain(|r| r["id"] != rule_id);
            if rules.len() == before {
                Err(rule_not_found())
            } else {
                Ok(())
            }
        })
    }

    /// Adds a rule directly (a test's "the user's own rule"), creating the entry point if needed.
    pub fn seed_rule(&mut self, phase: &str, rule: &Value) {
        if !self.entrypoints.contains_key(phase) {
            self.put_entrypoint(phase, &json!({"rules": []}));
        }
        let id = self.entrypoints[phase]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        self.create_rule(&id, rule);
    }

    fn stored_rule(&mut self, body: &Value, id: Option<&str>) -> Value {
        let mut rule = body.clone();
        rule.as_object_mut().map(|o| o.remove("position"));
        let id = id.map_or_else(
            || {
                body["id"]
                    .as_str()
                    .map_or_else(|| self.new_id(), str::to_owned)
            },
            str::to_owned,
        );
        if rule.get("ref").is_none() {
            rule["ref"] = json!(id);
        }
        rule["id"] = json!(id);
        rule["version"] = json!("1");
        rule["last_updated"] = json!("2026-01-01T00:00:00Z");
        if rule.get("enabled").is_none() {
            rule["enabled"] = json!(true);
        }
        rule
    }

    fn change(
        &mut self,
        ruleset_id: &str,
        edit: impl FnOnce(&mut Vec<Value>) -> Result<(), Reply>,
    ) -> Reply {
        let Some(ruleset) = self
            .entrypoints
            .values_mut()
            .find(|r| r["id"] == ruleset_id)
        else {
            return reply::no_route(&format!("/rulesets/{ruleset_id}"));
        };
        let mut rules = ruleset["rules"].as_array().cloned().unwrap_or_default();
        if let Err(problem) = edit(&mut rules) {
            return problem;
        }
        if let Some(problem) = duplicate_ref(&rules) {
            return problem;
        }
        let next = version(ruleset) + 1;
        ruleset["rules"] = json!(rules);
        ruleset["version"] = json!(next.to_string());
        reply::ok(ruleset.clone())
    }
}

fn version(v: &Value) -> u64 {
    v["version"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn rule_not_found() -> Reply {
    reply::error(404, 10003, "could not find rule in ruleset")
}

/// Two rules with one `ref` (the stand-in's message; Cloudflare refuses this too).
fn duplicate_ref(rules: &[Value]) -> Option<Reply> {
    let refs: Vec<&Value> = rules.iter().map(|r| &r["ref"]).collect();
    let dup = refs.iter().enumerate().any(|(i, r)| refs[..i].contains(r));
    dup.then(|| {
        reply::error(
            400,
            20100,
            "a rule with this ref already exists in the ruleset",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHASE: &str = "http_request_late_transform";

    #[test]
    fn rules_are_added_patched_and_deleted_by_id_leaving_the_others() {
        let mut zone = Zone::new("z", "example.com");
        assert_eq!(zone.get_entrypoint(PHASE).0, 404);
        zone.seed_rule(
            PHASE,
            &json!({"ref": "user", "expression": "true", "action": "rewrite"}),
        );
        let id = zone.entrypoints[PHASE]["id"].as_str().unwrap().to_owned();
        let (_, added) = zone.create_rule(
            &id,
            &json!({"ref": "ours", "expression": "true", "action": "rewrite"}),
        );
        let ours = added["result"]["rules"][1]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            zone.patch_rule(
                &id,
                &ours,
                &json!({"ref": "ours", "expression": "false", "action": "rewrite"})
            )
            .0,
            200
        );
        assert_eq!(
            zone.create_rule(
                &id,
                &json!({"ref": "ours", "expression": "x", "action": "rewrite"})
            )
            .0,
            400
        );
        assert_eq!(zone.delete_rule(&id, &ours).0, 200);
        assert_eq!(zone.delete_rule(&id, &ours).0, 404);
        let rules = &zone.entrypoints[PHASE]["rules"];
        assert_eq!(rules.as_array().unwrap().len(), 1);
        assert_eq!(rules[0]["ref"], "user");
        assert_eq!(zone.create_rule("nope", &json!({})).0, 404);
    }
}
