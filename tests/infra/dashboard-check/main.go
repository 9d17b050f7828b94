// dashboard-check validates Grafana dashboard JSON files against the dashboard schema without
// a Grafana server (Grafana is AGPL-licensed and not part of our toolchain): the types that
// grafana-foundation-sdk generates from Grafana's schema, decoded strictly (a field the
// schema does not know, a wrong type or a missing required field fails), with each panel's
// options and each query decoded by its plugin's own schema (timeseries, prometheus, …),
// then the schema's constraints checked (Validate).
//
//	dashboard-check FILE...   prints one line per file; exits 1 when any file fails
//
// Built by tests/infra/tools.sh (build dashboard-check) like the rest of the toolchain.
package main

import (
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func check(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var d dashboard.Dashboard
	if err := d.UnmarshalJSONStrict(raw); err != nil {
		return "", fmt.Errorf("does not match the dashboard schema: %w", err)
	}
	if err := d.Validate(); err != nil {
		return "", fmt.Errorf("breaks a constraint of the dashboard schema: %w", err)
	}
	panels, rows, queries := 0, 0, 0
	for _, p := range d.Panels {
		switch {
		case p.Panel != nil:
			panels++
			queries += len(p.Panel.Targets)
		case p.RowPanel != nil:
			rows++
			for _, inner := range p.RowPanel.Panels {
				panels++
				queries += len(inner.Targets)
			}
		}
	}
	return fmt.Sprintf("schemaVersion %d, %d panels in %d rows, %d queries", d.SchemaVersion, panels, rows, queries), nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-check FILE...")
		os.Exit(2)
	}
	// Panel options and queries are decoded by their plugin's schema only once registered.
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, path := range os.Args[1:] {
		summary, err := check(path)
		if err != nil {
			fmt.Printf("%s: FAIL: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("%s: OK: %s\n", path, summary)
	}
	if failed {
		os.Exit(1)
	}
}
