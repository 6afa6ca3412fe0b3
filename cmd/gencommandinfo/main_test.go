package main

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entry reads one RESP2 value written as space-separated lines.
func entry(t *testing.T, lines string) any {
	t.Helper()
	v, err := readValue(bufio.NewReader(strings.NewReader(strings.Join(strings.Fields(lines), "\r\n") + "\r\n")))
	require.NoError(t, err)
	return v
}

func TestKeySpecText(t *testing.T) {
	tests := []struct {
		name, resp, want string
	}{
		{"index range", `*6 $5 flags *2 +RW +insert
			$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :1
			$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0`,
			"RW insert index(1) range(0,1,0)"},
		{"keyword", `*6 $5 flags *2 +RO +access
			$12 begin_search *4 $4 type $7 keyword $4 spec *4 $7 keyword $7 STREAMS $9 startfrom :1
			$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :-1 $7 keystep :1 $5 limit :2`,
			"RO access keyword(STREAMS,1) range(-1,1,2)"},
		{"keynum", `*6 $5 flags *2 +RO +access
			$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :2
			$9 find_keys *4 $4 type $6 keynum $4 spec *6 $9 keynumidx :0 $8 firstkey :1 $7 keystep :1`,
			"RO access index(2) keynum(0,1,1)"},
		{"unknown with notes", `*8 $5 notes $4 note $5 flags *2 +OW +update
			$12 begin_search *4 $4 type $7 unknown $4 spec *0
			$9 find_keys *4 $4 type $7 unknown $4 spec *0`,
			"OW update unknown unknown -- note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keySpecText(entry(t, tt.resp))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestKeySpecText_Rejects(t *testing.T) {
	tests := []struct {
		name, resp string
	}{
		{"unknown field", `*2 $5 other :1`},
		{"not a map", `*1 $5 flags`},
		{"unknown search", `*6 $5 flags *0
			$12 begin_search *4 $4 type $5 first $4 spec *0
			$9 find_keys *4 $4 type $7 unknown $4 spec *0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keySpecText(entry(t, tt.resp))
			assert.Error(t, err)
		})
	}
}

func TestCollect_KeySpecRowsKeepOrder(t *testing.T) {
	e := entry(t, `*10 $4 copy :-3 *0 :1 :2 :1 *0 *0
		*2
		*6 $5 flags *2 +RO +access $12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :1
			$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0
		*6 $5 flags *2 +OW +update $12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :2
			$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0
		*0`)
	var rows []string
	require.NoError(t, collect(e, true, &rows))
	assert.Equal(t, []string{"copy\tRO access index(1) range(0,1,0)", "copy\tOW update index(2) range(0,1,0)"}, rows)
	rows = nil
	require.NoError(t, collect(e, false, &rows))
	assert.Equal(t, []string{"copy\t-3\t-\t1\t2\t1\t-\t-"}, rows)
}
