package incident

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/basewatch/basewatch/bot/store"
)

// Export formats.
const (
	FormatCSV   = "csv"   // basewatch's own: date,site,weapon,killed,wounded,attribution,summary,source
	FormatACLED = "acled" // ACLED's export columns
)

// Export writes incidents as CSV that ParseKnown reads back: basewatch's
// own columns, or ACLED's.
func Export(w io.Writer, format string, ins []store.Incident) error {
	cw := csv.NewWriter(w)
	count := func(n int) string {
		if n < 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	switch format {
	case FormatCSV, "":
		cw.Write([]string{"date", "site", "weapon", "killed", "wounded", "attribution", "summary", "source"})
		for _, in := range ins {
			cw.Write([]string{in.EventDate.Format("2006-01-02"), in.Location, in.SubEventType, count(in.Fatalities), count(in.Wounded), in.Actor, in.Summary, in.Source})
		}
	case FormatACLED:
		cw.Write([]string{"event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "country", "admin1", "location", "latitude", "longitude", "source", "notes", "fatalities"})
		for _, in := range ins {
			fatalities := in.Fatalities
			if fatalities < 0 {
				fatalities = 0 // ACLED counts no unknowns
			}
			cw.Write([]string{
				in.ID, in.EventDate.Format("2006-01-02"), strconv.Itoa(in.EventDate.Year()), acledEvent(in.SubEventType),
				acledSubEvent(in.SubEventType), in.Actor, in.Country, in.Region, in.Location,
				strconv.FormatFloat(in.Latitude, 'f', 4, 64), strconv.FormatFloat(in.Longitude, 'f', 4, 64),
				in.Source, notes(in), strconv.Itoa(fatalities),
			})
		}
	default:
		return fmt.Errorf("export: unknown format %q (csv or acled)", format)
	}
	cw.Flush()
	return cw.Error()
}

// acledEvent is ACLED's event type for a weapon kind: a crowd storming a
// compound is a riot; the rest is remote violence.
func acledEvent(weapon string) string {
	if weapon == "storming" {
		return "Riots"
	}
	return "Explosions/Remote violence"
}

// acledSubEvent is ACLED's sub-event type for a weapon kind.
func acledSubEvent(weapon string) string {
	if weapon == "storming" {
		return "Violent demonstration"
	}
	switch weaponClass(weapon) {
	case "drone":
		return "Air/drone strike"
	case "ied":
		return "Remote explosive/landmine/IED"
	}
	return "Shelling/artillery/missile attack"
}

// notes carries the weapon in words, so that a re-import finds it.
func notes(in store.Incident) string {
	if in.Summary == "" {
		return in.SubEventType
	}
	if in.SubEventType == "" {
		return in.Summary
	}
	return in.SubEventType + ": " + in.Summary
}
