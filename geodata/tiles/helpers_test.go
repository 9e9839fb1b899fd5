package tiles_test

import (
	"cmp"
	"slices"
)

func slicesSortByID[T any](s []T, id func(T) uint64) {
	slices.SortFunc(s, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
}
