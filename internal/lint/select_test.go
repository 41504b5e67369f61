package lint

import (
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

func TestSelect(t *testing.T) {
	all := ruleNames()
	allBut := func(off ...string) string {
		var names []string
		for _, r := range Rules {
			if !slices.Contains(off, r.Name) {
				names = append(names, r.Name)
			}
		}
		return strings.Join(names, ", ")
	}
	tests := []struct {
		selection string
		want      string // rule names, ", "-separated, in Rules order
		err       string // substring of the error, or "" for none
	}{
		{"", all, ""},
		{"all", all, ""},
		{"none", "", ""},
		{"help", "help", ""},
		{"counter-total,help", "help, counter-total", ""},
		{" help , ratio ", "help, ratio", ""},
		{"-ratio", allBut("ratio"), ""},
		{"-ratio,-help", allBut("ratio", "help"), ""},
		{"all,-legacy-chars", allBut("legacy-chars"), ""},
		{"none,help", "help", ""},
		{"help,none", "", ""},
		{"help,-help", "", ""},
		{"nope", "", `unknown rule "nope" in "nope"`},
		{"-nope", "", `unknown rule "-nope"`},
		{"help,", "", `unknown rule "" in "help,"`},
		{"Help", "", "from: help, base-units"},
	}
	for _, tt := range tests {
		rules, err := Select(tt.selection)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Select(%q) error %v, want one containing %q", tt.selection, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Select(%q): %v", tt.selection, err)
			continue
		}
		var names []string
		for _, r := range rules {
			names = append(names, r.Name)
		}
		if got := strings.Join(names, ", "); got != tt.want {
			t.Errorf("Select(%q) = %s\nwant %s", tt.selection, got, tt.want)
		}
	}
}

func TestCheckRules(t *testing.T) {
	f := &Family{Name: "disk_usage_percent", Type: prom.GaugeType}
	if got := Check(f); len(got) != 2 || got[0].Rule != "help" || got[1].Rule != "ratio" {
		t.Errorf("Check = %+v, want help and ratio", got)
	}
	rules, _ := Select("-ratio")
	if got := CheckRules(f, rules); len(got) != 1 || got[0].Rule != "help" {
		t.Errorf("CheckRules(-ratio) = %+v, want help only", got)
	}
	if got := CheckRules(f, nil); got != nil {
		t.Errorf("CheckRules(none) = %+v, want nothing", got)
	}
}
