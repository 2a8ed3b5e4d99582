package httpapi

import (
	"encoding/csv"
	"net/http"
	"strings"
)

// CSV streams a text/csv download page by page: the status and header row
// go out with the first page and every page is flushed as it is written, so
// memory stays flat however long the file.
type CSV struct {
	w        http.ResponseWriter
	cw       *csv.Writer
	filename string
	header   []string
	started  bool
}

// NewCSV starts a download named filename with the given header row.
func NewCSV(w http.ResponseWriter, filename string, header []string) *CSV {
	return &CSV{w: w, cw: csv.NewWriter(w), filename: filename, header: header}
}

// Write sends one page of rows. Cells should already be made safe (SafeCell).
func (c *CSV) Write(rows [][]string) error {
	if err := c.start(); err != nil {
		return err
	}
	for _, row := range rows {
		if err := c.cw.Write(row); err != nil {
			return err
		}
	}
	c.cw.Flush()
	if f, ok := c.w.(http.Flusher); ok {
		f.Flush()
	}
	return c.cw.Error()
}

// Close ends the download. err is the producer's error: before the first
// page it is returned (and answered as any error); after it the status is
// already sent, so the response is aborted and the client sees a truncated
// file rather than a file that looks complete.
func (c *CSV) Close(err error) error {
	if err == nil {
		if err := c.start(); err != nil {
			return err
		}
		c.cw.Flush()
		return c.cw.Error()
	}
	if c.started {
		panic(http.ErrAbortHandler)
	}
	return err
}

func (c *CSV) start() error {
	if c.started {
		return nil
	}
	c.started = true
	c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+c.filename+`"`)
	c.w.WriteHeader(http.StatusOK)
	return c.cw.Write(c.header)
}

// SafeCell defuses a cell a spreadsheet would run as a formula (OWASP CSV
// injection): a leading = + - @, tab or carriage return gets a leading quote.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
