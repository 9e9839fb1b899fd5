package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/web"
)

// servedVocabulary is the vocabulary as GET /api/v1/vocabulary answers
// it: vocab.All and the age past which a service is stale
// (risk.DefaultStaleYears, see geodata/risk "Coverage"), which the map
// uses to draw stale services apart.
type servedVocabulary struct {
	vocab.Vocabulary
	StaleYears int `json:"stale_years"`
}

// vocabularyJSON is the vocabulary, encoded once: it changes only with
// the binary.
var vocabularyJSON, vocabularyETag = func() ([]byte, string) {
	b, err := json.Marshal(servedVocabulary{Vocabulary: vocab.All(), StaleYears: risk.DefaultStaleYears})
	if err != nil {
		panic(err) // plain structs of strings and numbers always encode
	}
	return b, answers.ETag(string(b))
}()

// vocabulary answers GET /api/v1/vocabulary: risk classes, service
// categories, cause categories, route names, zoom → H3 resolution steps
// and stale_years, the one source the dashboard reads them from.
func (h *handlers) vocabulary(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	if done, err := web.NotModified(c, vocabularyETag); done {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, vocabularyJSON)
}
