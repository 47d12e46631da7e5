//! After the walk: references are resolved through the module's final
//! bindings (a name may be imported after the def that uses it), the checks
//! that depend on what a call resolves to run, and exports are computed for
//! the other modules of the repository.

use super::definitions::ClassState;
use super::head_of;
use super::references::CallInfo;
use super::scope::{Binding, Chain};
use super::walker::Walker;
use crate::analyze::facts::{role, Export, Feature, PythonFacts, Ref};
use std::collections::HashMap;

impl<'s, 'c, 't> Walker<'s, 'c, 't> {
    pub(super) fn finish(mut self) -> PythonFacts {
        let refs = std::mem::take(&mut self.refs);
        for r in refs {
            let Some(head) = self.scopes.resolve_head(r.scope, r.head) else {
                continue;
            };
            let Some(chain) = self.chain(r.node) else {
                continue;
            };
            let qname = head + &chain.rest;
            if qname.starts_with("builtins.") && r.roles & !role::RETURN == role::USE {
                continue;
            }
            if let Some(call) = r.call {
                if needs_call_checks(&qname) {
                    let info = self.call_info(call);
                    self.call_checks(&qname, r.line, info);
                }
            }
            let keywords = match (self.ctx.keywords, r.args) {
                (true, Some(args)) => self.keywords(args),
                _ => None,
            };
            // `return Flask(__name__)` returns the instance, `flask.Flask()`.
            let returned_call =
                (r.roles & role::CALL != 0 && r.roles & role::RETURN != 0).then(|| Ref {
                    qname: format!("{qname}()"),
                    roles: role::RETURN,
                    line: r.line,
                    keywords: None,
                });
            let reference = Ref {
                qname,
                roles: r.roles
                    & !(if r.roles & role::CALL != 0 {
                        role::RETURN
                    } else {
                        0
                    }),
                line: r.line,
                keywords,
            };
            for reference in std::iter::once(reference).chain(returned_call) {
                if self.ctx.local_heads.contains(head_of(&reference.qname)) {
                    self.facts.deferred.push(reference);
                } else {
                    self.facts.refs.push(reference);
                }
            }
        }
        // Exports: what other modules of the repository may import from this one.
        let classes = std::mem::take(&mut self.finished_classes);
        let mut class_bases: HashMap<&str, Vec<String>> = HashMap::new();
        let classes: Vec<ClassState<'s>> = classes;
        for c in classes.iter().filter(|c| c.at_module_level) {
            let bases = c
                .bases
                .iter()
                .filter_map(|b| self.scopes.resolve(0, b))
                .collect();
            class_bases.insert(c.name, bases);
        }
        let mut exports = Vec::new();
        for (name, binding) in self.scopes.module_bindings() {
            let export = match binding {
                Binding::Import(q) => Some(Export::Alias(q.clone())),
                Binding::Value(..) => self
                    .scopes
                    .resolve(
                        0,
                        &Chain {
                            head: name,
                            rest: String::new(),
                        },
                    )
                    .map(Export::Alias),
                Binding::Class => class_bases.remove(*name).map(Export::Class),
                Binding::Local => None,
            };
            if let Some(e) = export {
                exports.push((name.to_string(), e));
            }
        }
        exports.sort_by(|a, b| a.0.cmp(&b.0));
        self.facts.exports = exports;
        self.facts
    }

    /// Features that depend on what a call resolves to and how it is called.
    /// (A request's timeout= is read by rules from its keyword arguments.)
    fn call_checks(&mut self, qname: &str, line: u32, call: CallInfo) {
        if let Some(builtin @ ("eval" | "exec")) = qname.strip_prefix("builtins.") {
            if call.has_args && !call.first_arg_literal {
                self.feature(Feature::DynamicCodeExecution, line, builtin);
            }
        }
    }
}

/// Whether `call_checks` has anything to say about a call to `qname`.
fn needs_call_checks(qname: &str) -> bool {
    matches!(qname, "builtins.eval" | "builtins.exec")
}
