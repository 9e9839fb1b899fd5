package formats

import "strings"

// HSDSTermRule maps a taxonomy term (compared by FoldName, so case,
// accents and punctuation aside: "Advocacy & Legal Aid" is "advocacy legal
// aid") onto a RouteRisk service category and subtype ("" for none).
type HSDSTermRule struct {
	Term     string
	Category string
	Subtype  string
}

// HSDSTermTable is the one table the Open Referral importer reads
// taxonomy terms by (docs/importers.md prints it): Open Eligibility names
// first, then the names humanitarian directories use. A term the table
// lacks is looked up through its parent term (parent_id), so "Food Pantry"
// under "Food" is food even if only "Food" were listed.
var HSDSTermTable = []HSDSTermRule{
	// Health
	{"Health", "health", ""},
	{"Health Care", "health", ""},
	{"Healthcare", "health", ""},
	{"Medical Care", "health", "clinic"},
	{"Primary Care", "health", "clinic"},
	{"Specialized Medical Care", "health", "clinic"},
	{"Checkup & Test", "health", "clinic"},
	{"Vaccinations", "health", "clinic"},
	{"Sexual & Reproductive Health", "health", "clinic"},
	{"Maternity Care", "health", "clinic"},
	{"Prenatal Care", "health", "clinic"},
	{"Vision Care", "health", "clinic"},
	{"Addiction & Recovery", "health", "clinic"},
	{"Urgent Care", "health", "clinic"},
	{"Emergency Medical Care", "health", "hospital"},
	{"Emergency Room", "health", "hospital"},
	{"Hospital", "health", "hospital"},
	{"Doctors", "health", "doctors"},
	{"Dental Care", "health", "dentist"},
	{"Prescription Assistance", "health", "pharmacy"},
	{"Medications", "health", "pharmacy"},
	{"Pharmacy", "health", "pharmacy"},
	// Mental health and psychosocial support
	{"Mental Health Care", "psychosocial", ""},
	{"Mental Health", "psychosocial", ""},
	{"Psychosocial Support", "psychosocial", ""},
	{"MHPSS", "psychosocial", ""},
	{"Counseling", "psychosocial", "counselling"},
	{"Counselling", "psychosocial", "counselling"},
	{"Psychiatric Emergency Services", "psychosocial", ""},
	{"Psychotherapy", "psychosocial", "psychotherapist"},
	{"Support Groups", "psychosocial", "support_group"},
	{"Peer Support", "psychosocial", "support_group"},
	{"Trauma Support", "psychosocial", ""},
	// Legal aid and documentation
	{"Legal", "legal", "legal_aid"},
	{"Legal Services", "legal", "legal_aid"},
	{"Legal Aid", "legal", "legal_aid"},
	{"Advocacy & Legal Aid", "legal", "legal_aid"},
	{"Legal Representation", "legal", "legal_aid"},
	{"Representation", "legal", "legal_aid"},
	{"Discrimination & Civil Rights", "legal", "legal_aid"},
	{"Immigration", "legal", "immigration"},
	{"Citizenship & Immigration", "legal", "immigration"},
	{"Immigration Services", "legal", "immigration"},
	{"Asylum", "legal", "immigration"},
	{"Refugee Status Determination", "legal", "immigration"},
	{"Documentation", "legal", "documentation"},
	{"Civil Documentation", "legal", "documentation"},
	// Protection
	{"Protection", "protection", ""},
	{"Child Protection", "protection", "child_protection"},
	{"Unaccompanied Minors", "protection", "child_protection"},
	{"Domestic Violence", "protection", "gbv"},
	{"Help Escape Violence", "protection", "gbv"},
	{"Gender-Based Violence", "protection", "gbv"},
	{"GBV", "protection", "gbv"},
	{"Immediate Safety", "protection", ""},
	{"Human Trafficking", "protection", "anti_trafficking"},
	{"Anti-Trafficking", "protection", "anti_trafficking"},
	{"Family Tracing", "protection", "family_tracing"},
	{"Restoring Family Links", "protection", "family_tracing"},
	// Shelter
	{"Temporary Shelter", "shelter", "shelter"},
	{"Emergency Shelter", "shelter", "shelter"},
	{"Shelter", "shelter", "shelter"},
	{"Safe Housing", "shelter", "shelter"},
	{"Short-Term Housing", "shelter", "housing"},
	{"Transitional Housing", "shelter", "housing"},
	{"Residential Housing", "shelter", "housing"},
	{"Help Find Housing", "shelter", "housing"},
	{"Housing", "shelter", "housing"},
	{"Reception Centre", "shelter", "reception_centre"},
	{"Reception Center", "shelter", "reception_centre"},
	// Food and non-food items
	{"Food", "food", ""},
	{"Emergency Food", "food", ""},
	{"Food Pantry", "food", "food_bank"},
	{"Food Bank", "food", "food_bank"},
	{"Meals", "food", "meals"},
	{"Free Meals", "food", "meals"},
	{"Soup Kitchen", "food", "soup_kitchen"},
	{"Food Delivery", "food", "meals"},
	{"Nutrition", "food", ""},
	{"Goods", "food", "non_food_items"},
	{"Clothing", "food", "non_food_items"},
	{"Baby Supplies", "food", "non_food_items"},
	{"Household Goods", "food", "non_food_items"},
	{"Non-Food Items", "food", "non_food_items"},
	// Water, sanitation and hygiene
	{"Water", "wash", "drinking_water"},
	{"Drinking Water", "wash", "drinking_water"},
	{"Showers", "wash", "shower"},
	{"Toilets", "wash", "toilets"},
	{"Hygiene", "wash", "hygiene"},
	{"Personal Hygiene", "wash", "hygiene"},
	{"Personal Care Items", "wash", "hygiene"},
	{"Laundry", "wash", "hygiene"},
	{"Sanitation", "wash", "toilets"},
	{"WASH", "wash", ""},
	// Information and orientation
	{"Information", "information", "information_point"},
	{"Information & Referral", "information", "information_point"},
	{"Navigating the System", "information", "information_point"},
	{"Help Find Services", "information", "information_point"},
	{"Help Fill Out Forms", "information", "information_point"},
	{"Help Hotlines", "information", "information_point"},
	{"Orientation", "information", "information_point"},
	{"Translation & Interpretation", "information", "interpretation"},
	{"Interpretation", "information", "interpretation"},
	{"Internet Access", "information", "internet"},
	{"Phone Charging", "information", "internet"},
	// Cash assistance
	{"Money", "cash", "cash_assistance"},
	{"Financial Assistance", "cash", "cash_assistance"},
	{"Cash Assistance", "cash", "cash_assistance"},
	{"Emergency Cash", "cash", "cash_assistance"},
	{"Government Benefits", "cash", "cash_assistance"},
	// Search and rescue
	{"Search and Rescue", "rescue", "sea_rescue"},
	{"Sea Rescue", "rescue", "sea_rescue"},
}

// hsdsNameRules map words in a service's name onto a category when none
// of its taxonomy terms does (checked in order: "mental health" before
// "health"). Words are FoldName'd; a trailing * matches any ending.
var hsdsNameRules = []HSDSTermRule{
	{"mental health", "psychosocial", ""},
	{"psycho*", "psychosocial", ""},
	{"counsel*", "psychosocial", "counselling"},
	{"legal", "legal", "legal_aid"},
	{"lawyer*", "legal", "legal_aid"},
	{"asylum", "legal", "immigration"},
	{"immigration", "legal", "immigration"},
	{"shelter", "shelter", "shelter"},
	{"food", "food", ""},
	{"meal*", "food", "meals"},
	{"pantry", "food", "food_bank"},
	{"soup kitchen", "food", "soup_kitchen"},
	{"hospital", "health", "hospital"},
	{"clinic", "health", "clinic"},
	{"medical", "health", "clinic"},
	{"health", "health", ""},
	{"pharmacy", "health", "pharmacy"},
	{"dental", "health", "dentist"},
	{"shower*", "wash", "shower"},
	{"water", "wash", "drinking_water"},
	{"hygiene", "wash", "hygiene"},
	{"child protection", "protection", "child_protection"},
	{"protection", "protection", ""},
	{"information", "information", "information_point"},
	{"cash", "cash", "cash_assistance"},
	{"rescue", "rescue", "sea_rescue"},
}

// hsdsTerms is HSDSTermTable by folded term.
var hsdsTerms = func() map[string]HSDSTermRule {
	m := make(map[string]HSDSTermRule, len(HSDSTermTable))
	for _, r := range HSDSTermTable {
		m[FoldName(r.Term)] = r
	}
	return m
}()

// hsdsTermRule looks a term up in HSDSTermTable.
func hsdsTermRule(term string) (HSDSTermRule, bool) {
	r, ok := hsdsTerms[FoldName(term)]
	return r, ok
}

// hsdsNameRule looks for a category in a service's name.
func hsdsNameRule(name string) (HSDSTermRule, bool) {
	words := strings.Fields(FoldName(name))
	for _, r := range hsdsNameRules {
		pat := strings.Fields(r.Term)
		for i := 0; i+len(pat) <= len(words); i++ {
			match := true
			for j, p := range pat {
				if pre, ok := strings.CutSuffix(p, "*"); ok {
					match = strings.HasPrefix(words[i+j], pre)
				} else {
					match = words[i+j] == p
				}
				if !match {
					break
				}
			}
			if match {
				return r, true
			}
		}
	}
	return HSDSTermRule{}, false
}
