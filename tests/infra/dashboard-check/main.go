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
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// real drops an empty cog.BuildErrors: some of the SDK's decoders return their nil error list
// as an error interface, which is not nil although nothing failed.
func real(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

// panelsOf decodes the panels one by one: the SDK's PanelOrRowPanel drops a panel whose
// decoder returned that non-nil empty error list, which leaves the dashboard without panels.
func panelsOf(raw []byte) ([]dashboard.PanelOrRowPanel, error) {
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var out []dashboard.PanelOrRowPanel
	for i, p := range doc.Panels {
		var kind struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(p, &kind); err != nil {
			return nil, fmt.Errorf("panels[%d]: %w", i, err)
		}
		if kind.Type == "row" {
			row := &dashboard.RowPanel{}
			if err := real(row.UnmarshalJSONStrict(p)); err != nil {
				return nil, fmt.Errorf("panels[%d]: %w", i, err)
			}
			out = append(out, dashboard.PanelOrRowPanel{RowPanel: row})
			continue
		}
		panel := &dashboard.Panel{}
		if err := real(panel.UnmarshalJSONStrict(p)); err != nil {
			return nil, fmt.Errorf("panels[%d]: %w", i, err)
		}
		// Its queries are dropped the same way: decoded here by the Prometheus query schema.
		targets, err := prometheusQueries(p)
		if err != nil {
			return nil, fmt.Errorf("panels[%d].%w", i, err)
		}
		panel.Targets = targets
		out = append(out, dashboard.PanelOrRowPanel{Panel: panel})
	}
	return out, nil
}

// prometheusQueries decodes a panel's targets strictly as Prometheus queries: every panel of
// ours queries the Prometheus data source.
func prometheusQueries(panel []byte) ([]variants.Dataquery, error) {
	var doc struct {
		Targets []json.RawMessage `json:"targets"`
	}
	if err := json.Unmarshal(panel, &doc); err != nil {
		return nil, err
	}
	var out []variants.Dataquery
	for i, t := range doc.Targets {
		q := &prometheus.Dataquery{}
		if err := real(q.UnmarshalJSONStrict(t)); err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", i, err)
		}
		if q.Datasource == nil || q.Datasource.Type == nil || *q.Datasource.Type != "prometheus" {
			return nil, fmt.Errorf("targets[%d]: not a query of the prometheus data source", i)
		}
		out = append(out, q)
	}
	return out, nil
}

func check(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var d dashboard.Dashboard
	if err := real(d.UnmarshalJSONStrict(raw)); err != nil {
		return "", fmt.Errorf("does not match the dashboard schema: %w", err)
	}
	if d.Panels, err = panelsOf(raw); err != nil {
		return "", fmt.Errorf("does not match the dashboard schema: %w", err)
	}
	if err := real(d.Validate()); err != nil {
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
