package sample_test

import (
	"fmt"

	"github.com/routerisk/routerisk/geodata/sample"
)

func ExampleLayers() {
	layers, err := sample.Layers()
	if err != nil {
		panic(err)
	}
	for _, l := range layers {
		fmt.Println(l.Meta.ID, l.Meta.Kind, l.Meta.Sensitivity)
	}
	// Output:
	// routes route public
	// incidents incident restricted
	// services service public
	// sar-regions area public
	// dtm-americas-sites area public
	// ports area public
	// sea-names area public
}
