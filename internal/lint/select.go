package lint

import (
	"fmt"
	"strings"
)

// Select returns the rules a selection names, in the order of Rules, for a command line flag
// such as prom check's --lint. The selection is a comma-separated list of items:
//
//	all          every rule (the selection "" means the same)
//	none         no rule
//	NAME         the rule NAME, added to what comes before
//	-NAME        every rule before it except NAME
//
// A list that starts with NAME starts from no rule; one that starts with -NAME starts from
// every rule. So "help,counter-total" applies those two rules and "-ratio" all but ratio. An
// unknown name is an error that lists the rules.
func Select(selection string) ([]Rule, error) {
	on := make(map[string]bool, len(Rules))
	set := func(v bool) {
		for _, r := range Rules {
			on[r.Name] = v
		}
	}
	set(true)
	for i, item := range strings.Split(selection, ",") {
		item = strings.TrimSpace(item)
		name, off := strings.CutPrefix(item, "-")
		switch {
		case item == "" && selection == "", item == "all":
			set(true)
		case item == "none":
			set(false)
		case !isRule(name):
			return nil, fmt.Errorf("lint: unknown rule %q in %q: expected all, none, or rule names, each optionally prefixed by '-', from: %s", item, selection, ruleNames())
		default:
			if i == 0 && !off {
				set(false)
			}
			on[name] = !off
		}
	}
	var rules []Rule
	for _, r := range Rules {
		if on[r.Name] {
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// CheckRules applies rules (a selection of Rules, see Select) to f and returns the problems
// found, in the order of rules.
func CheckRules(f *Family, rules []Rule) []Problem {
	var ps []Problem
	for _, r := range rules {
		for _, t := range r.Check(f) {
			ps = append(ps, Problem{Metric: f.Name, Rule: r.Name, Text: t})
		}
	}
	return ps
}

func isRule(name string) bool {
	for _, r := range Rules {
		if r.Name == name {
			return true
		}
	}
	return false
}

func ruleNames() string {
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}
