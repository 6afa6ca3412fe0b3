package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAtoiNonZero(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"0", false},
		{"1", true},
		{"", false},
		{"abc", false},
		{"2x", true},
		{"-1", true},
		{"+0", false},
		{"000", false},
		{"007", true},
		{" \t\n1", true},
		{"- 1", false},
		{"0x10", false},
		{"99999999999999999999999", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, atoiNonZero([]byte(tc.in)))
		})
	}
}
