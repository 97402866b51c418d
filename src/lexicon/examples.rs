//! Running every rule's `hit` and `miss` examples against the compiled lexicon: a lexicon whose
//! examples fail does not load, and `lexicon check` lists the failures. Runs after `compile`,
//! through `matcher`, so compiling never depends on matching.

use super::compiled::Compiled;
use super::ExampleFailure;

/// Every example that does not behave as its rule says, in rule order.
pub(crate) fn run(lex: &Compiled) -> Vec<ExampleFailure> {
    let mut out = Vec::new();
    for (i, (rule, rt)) in lex.rules.iter().zip(&lex.rt).enumerate() {
        let source = &lex.sources[rt.source];
        for (list, expected_hit) in [(&rt.hits, true), (&rt.misses, false)] {
            for ex in list {
                let mut tone = || -1.0;
                let scan = super::matcher::Scan::run(lex, ex.get_ref(), &mut tone, Some(i), false);
                if scan.flags.is_empty() == expected_hit {
                    let (message, hint) = if expected_hit {
                        (
                            format!("hit example \"{}\" is not flagged", ex.get_ref()),
                            "fix the rule or the example; `moderato explain` shows how the \
                             text is normalised",
                        )
                    } else {
                        let m = &scan.flags[0].matched;
                        (
                            format!(
                                "miss example \"{}\" is flagged (matched \"{m}\")",
                                ex.get_ref()
                            ),
                            "narrow the rule (whole words, `unless`, the category's \
                             `allow`) or fix the example",
                        )
                    };
                    out.push(ExampleFailure {
                        rule: rule.id.clone(),
                        example: ex.get_ref().clone(),
                        expected_hit,
                        diagnostic: source.diag(
                            Some(ex.span()),
                            Some(&rule.id),
                            message,
                            Some(hint.into()),
                        ),
                    });
                }
            }
        }
    }
    out
}
