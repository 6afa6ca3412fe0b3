package server_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLayering enforces the package direction cmd -> server -> {store,
// persistence, protocol}, persistence -> store: each package may import
// only the project packages listed for it.
func TestLayering(t *testing.T) {
	const mod = "github.com/carmine-db/carmine/"
	allowed := map[string][]string{
		"protocol":    {},
		"store":       {},
		"persistence": {"store"},
		"server":      {"store", "protocol", "persistence"},
	}
	for pkg, ok := range allowed {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", mod+pkg).CombinedOutput()
			require.NoError(t, err, string(out))
			for _, dep := range strings.Fields(string(out)) {
				if !strings.HasPrefix(dep, mod) || dep == mod+pkg {
					continue
				}
				name := strings.TrimPrefix(dep, mod)
				permitted := strings.HasPrefix(name, pkg+"/") // its own internal packages
				for _, a := range ok {
					if name == a || strings.HasPrefix(name, a+"/") {
						permitted = true
					}
				}
				require.True(t, permitted, "%s must not import %s", pkg, name)
			}
		})
	}
}
