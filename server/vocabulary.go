package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/web"
)

// vocabularyJSON is the vocabulary, encoded once: it changes only with
// the binary.
var vocabularyJSON, vocabularyETag = func() ([]byte, string) {
	b, err := json.Marshal(vocab.All())
	if err != nil {
		panic(err) // plain structs of strings and numbers always encode
	}
	return b, answers.ETag(string(b))
}()

// vocabulary answers GET /api/v1/vocabulary: risk classes, service
// categories, cause categories, route names and zoom → H3 resolution
// steps, the one source the dashboard reads them from.
func (h *handlers) vocabulary(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	if done, err := web.NotModified(c, vocabularyETag); done {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, vocabularyJSON)
}
