//! Ansible playbooks: a YAML list of plays, each naming its `hosts` and
//! what runs on them (`tasks`, `roles`, ...). A role's task file (a list of
//! tasks without hosts) is not a playbook; the rules know roles by path.

use super::ANSIBLE_PLAY;
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::Node;

const PLAY_BODIES: &[&str] = &["tasks", "roles", "pre_tasks", "post_tasks", "handlers"];

fn is_play(item: &Node) -> bool {
    item.get("hosts").is_some() && PLAY_BODIES.iter().any(|k| item.get(k).is_some())
}

/// A list with at least one play.
pub fn is_playbook(doc: &Node) -> bool {
    doc.items().iter().any(is_play)
}

/// One `ansible.play` per play, at its `hosts:` line.
pub fn playbook(doc: &Node, out: &mut ConfigFacts) {
    for play in doc.items().iter().filter(|p| is_play(p)) {
        let Some((k, hosts)) = play.entry("hosts") else {
            continue;
        };
        let hosts: Vec<&str> = hosts.strings().iter().filter_map(|n| n.as_str()).collect();
        let parts: Vec<String> = PLAY_BODIES
            .iter()
            .filter_map(|b| {
                let n = play.get(b)?.items().len();
                (n > 0).then(|| format!("{b}: {n}"))
            })
            .collect();
        let name = play
            .get("name")
            .and_then(Node::as_str)
            .map(|n| format!("play \"{n}\""))
            .unwrap_or_else(|| "play".to_string());
        out.fact(
            ANSIBLE_PLAY,
            k.line,
            format!("{name} on {} ({})", hosts.join(", "), parts.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::yaml;

    #[test]
    fn plays_but_not_task_lists() {
        let pb = &yaml::load("- name: web\n  hosts: [web, db]\n  roles: [nginx]\n  tasks:\n    - apt: {name: x}\n- import_playbook: other.yml\n").unwrap()[0];
        assert!(is_playbook(pb));
        let mut out = ConfigFacts::default();
        playbook(pb, &mut out);
        assert_eq!(out.facts.len(), 1);
        assert_eq!(out.facts[0].line, 2);
        assert_eq!(
            out.facts[0].detail,
            "play \"web\" on web, db (tasks: 1, roles: 1)"
        );
        let tasks = &yaml::load("- name: install\n  apt: {name: nginx}\n").unwrap()[0];
        assert!(!is_playbook(tasks));
    }
}
