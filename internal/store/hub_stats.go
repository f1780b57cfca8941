package store

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/hub"
	"github.com/cbss-egcc/childcentre/internal/stats"
)

// putRecordStats keeps the statistics codes of hub record id (table of
// 0051_hub_stats.sql): replaced with the record, deleted when a new
// version carries none.
func (tx hubTx) putRecordStats(ctx context.Context, id int64, s *exchange.StatsCodes) error {
	if s == nil {
		_, err := tx.exec(ctx, `DELETE FROM hub_record_stats WHERE record_id = ?`, id)
		return dbErr(err, "store: delete record statistics")
	}
	_, err := tx.exec(ctx, `INSERT INTO hub_record_stats (record_id, status, exploitation, age_group, age_basis, citizenship, registered)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, exploitation = excluded.exploitation,
			age_group = excluded.age_group, age_basis = excluded.age_basis, citizenship = excluded.citizenship,
			registered = excluded.registered`,
		id, s.Status, s.Exploitation, s.AgeGroup, s.AgeBasis, s.Citizenship, s.Registered)
	return dbErr(err, "store: put record statistics")
}

// HubStatsSource feeds the regional statistics (stats.Source) from the
// hub's records: their coded metadata, statistics codes and clusters,
// never a filter.
//
// The hub's clusters join every record the solver admits, plausible links
// included: they are the loose linking (stats.Record.ChildAll). The strict
// linking keeps only the links of high-probability hits: the components
// of each cluster joined by hits of band "high". A record of a cluster
// without such a hit (a duplicate within one country gets no hit) stands
// alone under strict linking, so the strict count is the range's upper end.
type HubStatsSource struct {
	db      *DB
	skipped int
}

// NewHubStatsSource returns the stats.Source of the hub's database.
func NewHubStatsSource(db *DB) *HubStatsSource { return &HubStatsSource{db: db} }

var _ stats.Source = (*HubStatsSource)(nil)

// Skipped returns how many records the last Each left out: without
// statistics codes (from a node that sends none) or with a code outside
// the lists. They are counted, not guessed.
func (s *HubStatsSource) Skipped() int { return s.skipped }

// Each implements stats.Source.
func (s *HubStatsSource) Each(ctx context.Context, fn func(*stats.Record) error) error {
	rs, err := s.Records(ctx)
	if err != nil {
		return err
	}
	return rs.Each(ctx, fn)
}

// Records implements stats.Lister, reading in one transaction.
func (s *HubStatsSource) Records(ctx context.Context) (stats.Records, error) {
	var rs stats.Records
	index := map[int64]int{} // clustered record id -> position in rs
	cluster := map[int64]int64{}
	skipped := 0
	err := s.db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT r.id, r.country, r.ref, r.sex, r.evidence, r.cluster_id,
				s.status, s.exploitation, s.age_group, s.age_basis, s.citizenship, s.registered
			FROM hub_records r LEFT JOIN hub_record_stats s ON s.record_id = r.id ORDER BY r.id`)
		if err != nil {
			return dbErr(err, "store: read records for statistics")
		}
		defer rows.Close()
		for rows.Next() {
			var id, cl int64
			var country, ref string
			var m exchange.Metadata
			var st [6]sql.NullString
			if err := rows.Scan(&id, &country, &ref, &m.Sex, &m.Evidence, &cl, &st[0], &st[1], &st[2], &st[3], &st[4], &st[5]); err != nil {
				return dbErr(err, "store: read records for statistics")
			}
			if st[0].Valid {
				m.Stats = &exchange.StatsCodes{Status: st[0].String, Exploitation: st[1].String, AgeGroup: st[2].String,
					AgeBasis: st[3].String, Citizenship: st[4].String, Registered: st[5].String}
			}
			rec, err := stats.FromMetadata(country, ref, m)
			if err != nil {
				skipped++
				continue
			}
			if cl != 0 {
				rec.ChildAll = "c" + strconv.FormatInt(cl, 10)
				rec.Child = "h" + strconv.FormatInt(id, 10) // until joined by a high hit below
				cluster[id] = cl
				index[id] = len(rs)
			}
			rs = append(rs, rec)
		}
		if err := rows.Err(); err != nil {
			return dbErr(err, "store: read records for statistics")
		}
		return strictLinks(ctx, tx, rs, index, cluster)
	})
	if err != nil {
		return nil, err
	}
	s.skipped = skipped
	return rs, nil
}

// strictLinks joins the records of one cluster linked by a high hit.
func strictLinks(ctx context.Context, tx *Tx, rs stats.Records, index map[int64]int, cluster map[int64]int64) error {
	rows, err := tx.query(ctx, `SELECT a_id, b_id FROM hub_hits WHERE band = 'high'`)
	if err != nil {
		return dbErr(err, "store: read hits for statistics")
	}
	defer rows.Close()
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		root := find(p)
		parent[x] = root
		return root
	}
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return dbErr(err, "store: read hits for statistics")
		}
		if ca, ok := cluster[a]; !ok || ca != cluster[b] {
			continue // not both clustered together (any more)
		}
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	if err := rows.Err(); err != nil {
		return dbErr(err, "store: read hits for statistics")
	}
	for id := range cluster {
		rs[index[id]].Child = "h" + strconv.FormatInt(find(id), 10)
	}
	return nil
}

// putRecordsStats is putRecordStats for several records: the codes of
// withStats written, those of records without deleted.
func (tx hubTx) putRecordsStats(ctx context.Context, withStats []*hub.Record, without []int64) error {
	if len(without) > 0 {
		if _, err := tx.exec(ctx, `DELETE FROM hub_record_stats WHERE record_id IN (`+placeholders(len(without))+`)`, int64Args(without)...); err != nil {
			return dbErr(err, "store: delete record statistics")
		}
	}
	if len(withStats) == 0 {
		return nil
	}
	args := make([]any, 0, 7*len(withStats))
	for _, r := range withStats {
		s := r.Meta.Stats
		args = append(args, r.ID, s.Status, s.Exploitation, s.AgeGroup, s.AgeBasis, s.Citizenship, s.Registered)
	}
	_, err := tx.exec(ctx, `INSERT INTO hub_record_stats (record_id, status, exploitation, age_group, age_basis, citizenship, registered)
		VALUES `+rowsOf(len(withStats), 7)+`
		ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, exploitation = excluded.exploitation,
			age_group = excluded.age_group, age_basis = excluded.age_basis, citizenship = excluded.citizenship,
			registered = excluded.registered`, args...)
	return dbErr(err, "store: put record statistics")
}
