package testutil

import (
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// maxDiffCells bounds the work of the line diff (the product of the two lengths); beyond it
// the diff shows each side whole rather than spend quadratic time and memory.
const maxDiffCells = 4 << 20

// diff returns a unified-style line diff of a and b: " " for a common line, "-" for a line
// of a only, "+" for a line of b only, and "@@" where unchanged lines are left out. It uses the longest common subsequence, which is quadratic: fine for the size of a
// test's expectations.
func diff(a, b []string) string {
	var sb strings.Builder
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			sb.WriteString("-" + l + "\n")
		}
		for _, l := range b {
			sb.WriteString("+" + l + "\n")
		}
		return sb.String()
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		line string
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	// Show each change with diffContext common lines around it.
	show := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind != ' ' {
			for m := max(0, k-diffContext); m <= min(len(ops)-1, k+diffContext); m++ {
				show[m] = true
			}
		}
	}
	gap := false
	for k, o := range ops {
		if !show[k] {
			gap = true
			continue
		}
		if gap {
			sb.WriteString("@@\n")
		}
		gap = false
		fmt.Fprintf(&sb, "%c%s\n", o.kind, o.line)
	}
	return sb.String()
}
