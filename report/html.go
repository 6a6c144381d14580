package report

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"

	"github.com/hpdiag/hpdiag-trace/pipeline"
)

//go:embed page.html
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// page is parsed once; it is read-only afterwards.
var page = template.Must(template.New("report").Parse(pageHTML))

// WriteHTML writes r as one self-contained HTML page.
func WriteHTML(w io.Writer, r *pipeline.Report) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	err = page.Execute(w, struct {
		Title string
		CSS   template.CSS
		JS    template.JS
		Data  string
	}{
		Title: "hpdiag-trace report: " + r.Probe.ID,
		CSS:   template.CSS(pageCSS),
		JS:    template.JS(pageJS),
		Data:  base64.StdEncoding.EncodeToString(data),
	})
	if err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}
