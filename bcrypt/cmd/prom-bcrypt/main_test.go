package main

import (
	"strings"
	"testing"

	xbcrypt "golang.org/x/crypto/bcrypt"
)

func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		args     []string
		code     int
		stderr   string
	}{
		{"newline", "s3cret\n", []string{"-cost", "4"}, 0, ""},
		{"no newline", "s3cret", []string{"-cost", "4"}, 0, ""},
		{"CRLF", "s3cret\r\n", []string{"-cost", "4"}, 0, ""},
		{"empty", "\n", []string{"-cost", "4"}, 1, "empty"},
		{"cost too high", "s3cret", []string{"-cost", "15"}, 1, "cost 15 is outside 4 to 14"},
		{"argument", "s3cret", []string{"s3cret"}, 2, "standard input"},
		{"bad flag", "s3cret", []string{"-nope"}, 2, "-nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			code := run(tt.args, strings.NewReader(tt.in), &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errb.String(), tt.code, tt.stderr)
			}
			if code != 0 {
				return
			}
			h := strings.TrimSuffix(out.String(), "\n")
			if err := xbcrypt.CompareHashAndPassword([]byte(h), []byte("s3cret")); err != nil {
				t.Errorf("hash %q does not match s3cret: %v", h, err)
			}
			if c, _ := xbcrypt.Cost([]byte(h)); c != 4 {
				t.Errorf("cost %d, want 4", c)
			}
		})
	}
}
