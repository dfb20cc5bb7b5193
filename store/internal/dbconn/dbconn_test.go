package dbconn

import "testing"

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"sqlite://fastauth.db", "sqlite://fastauth.db"},
		{"postgres://postgres@127.0.0.1:5432/app?sslmode=disable", "postgres://postgres@127.0.0.1:5432/app?sslmode=disable"},
		{"postgres://u:hunter2@db:5432/app", "postgres://u:***@db:5432/app"},
		{"mysql://root:p@ss@tcp(db:3306)/app?parseTime=true", "mysql://root:***@tcp(db:3306)/app?parseTime=true"},
		{"root:p@ss@tcp(db:3306)/app?parseTime=true", "root:***@tcp(db:3306)/app?parseTime=true"},
		{"root@tcp(db:3306)/app", "root@tcp(db:3306)/app"},
		{"postgres://u:pw@db/app?application_name=a@b", "postgres://u:***@db/app?application_name=a@b"},
		{"host=db user=app password=hunter2 dbname=app", "host=db user=app password=*** dbname=app"},
		{"host=db password='hunter 2\\' x' dbname=app", "host=db password=*** dbname=app"},
		{"PASSWORD=hunter2", "PASSWORD=***"},
		{"tcp(db:3306)/app?parseTime=true", "tcp(db:3306)/app?parseTime=true"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
