/**
 * Appendix A of the spec (shared/spec/close-export-api.md): Advanced Filtering fixtures, each
 * JSON block verbatim. `kind` says what the block is: a `POST /data/search/` body, an export
 * `s_query` (query node), a smart view (`saved_search`) body, a smart-view `s_query` wrapper,
 * or a fragment (a node, or a condition) that needs a surrounding query.
 */
export type AppendixFixture = {
  id: string;
  title: string;
  kind: 'search-body' | 'query-node' | 'sort' | 'saved-search-body' | 'wrapper' | 'node-fragment' | 'condition-fragment';
  json: unknown;
};

export const APPENDIX_A: AppendixFixture[] = [
  { id: "A.1", title: "Contacts whose title contains the word \"CEO\"", kind: 'search-body', json: {
  "query": {
    "type": "and",
    "queries": [
      {
        "type": "object_type",
        "object_type": "contact"
      },
      {
        "type": "field_condition",
        "field": {
          "type": "regular_field",
          "object_type": "contact",
          "field_name": "title"
        },
        "condition": {
          "type": "text",
          "mode": "full_words",
          "value": "CEO"
        }
      }
    ]
  }
} },
  { id: "A.2.1", title: "Leads named \"ACME Inc.\" (exports / bulk-action `s_query`)", kind: 'query-node', json: {
  "queries": [
    {"object_type": "lead", "type": "object_type"},
    {
      "condition": {"mode": "full_words", "type": "text", "value": "ACME Inc."},
      "field": {"field_name": "name", "object_type": "lead", "type": "regular_field"},
      "type": "field_condition"
    }
  ],
  "type": "and"
} },
  { id: "A.2.2", title: "Leads named \"ACME Inc.\" (exports / bulk-action `s_query`)", kind: 'sort', json: [{"direction": "desc", "field": {"field_name": "date_created", "object_type": "lead", "type": "regular_field"}}] },
  { id: "A.3", title: "Smart View \"every lead\" (lead display_name)", kind: 'saved-search-body', json: {
  "name": "every lead",
  "s_query": {
    "query": {
      "queries": [
        {"object_type": "lead", "type": "object_type"},
        {
          "condition": {"mode": "full_words", "type": "text", "value": "Bluth Company"},
          "field": {"field_name": "display_name", "object_type": "lead", "type": "regular_field"},
          "type": "field_condition"
        }
      ],
      "type": "and"
    }
  },
  "type": "lead"
} },
  { id: "A.4", title: "Smart View \"CEOs\" as stored (with explicit `negate`)", kind: 'wrapper', json: {
  "query": {
    "negate": false,
    "queries": [
      {"negate": false, "object_type": "contact", "type": "object_type"},
      {
        "condition": {"mode": "full_words", "type": "text", "value": "CEO"},
        "field": {"field_name": "title", "object_type": "contact", "type": "regular_field"},
        "negate": false,
        "type": "field_condition"
      }
    ],
    "type": "and"
  },
  "results_limit": null
} },
  { id: "A.5", title: "\"All Leads\" / \"All Contacts\" Smart View", kind: 'wrapper', json: {"query": {"negate": false, "type": "match_all"}, "results_limit": null, "sort": []} },
  { id: "A.6", title: "Legacy Smart View with textual query", kind: 'saved-search-body', json: {"name": "All Leads", "query": "*", "s_query": null, "type": "lead"} },
  { id: "A.7", title: "Leads in a Smart View, with `_fields` and page size", kind: 'search-body', json: {
  "query": {"type": "saved_search", "saved_search_id": "save_TOTstqdumHKQcNUaztinosJBnRDPYd7IAMhU2SuKyVH"},
  "_fields": {"lead": ["id", "display_name"]},
  "_limit": 200
} },
  { id: "A.8", title: "Leads having a contact with an exact email", kind: 'search-body', json: {
  "query": {
    "type": "and",
    "queries": [
      {"type": "object_type", "object_type": "lead"},
      {
        "type": "has_related",
        "this_object_type": "lead",
        "related_object_type": "contact",
        "related_query": {
          "type": "has_related",
          "this_object_type": "contact",
          "related_object_type": "contact_email",
          "related_query": {
            "type": "field_condition",
            "field": {"type": "regular_field", "object_type": "contact_email", "field_name": "email"},
            "condition": {"type": "text", "mode": "exact_value", "value": "jane@example.com"}
          }
        }
      }
    ]
  },
  "sort": [],
  "results_limit": null,
  "_fields": null,
  "_limit": null,
  "cursor": null
} },
  { id: "A.9", title: "Count only", kind: 'search-body', json: {
  "query": {
    "type": "and",
    "queries": [
      {"type": "object_type", "object_type": "lead"},
      {"type": "match_all"}
    ]
  },
  "include_counts": true,
  "results_limit": 0
} },
  { id: "A.11", title: "Leads in a lead status", kind: 'node-fragment', json: {
  "condition": {"object_ids": ["stat_tTavpuXAKbYABanvJFHnbpQmTY4LloW2nmSl74RU8hr"], "reference_type": "status.lead", "type": "reference"},
  "field": {"field_name": "status_id", "object_type": "lead", "type": "regular_field"},
  "negate": false,
  "type": "field_condition"
} },
  { id: "A.13", title: "Predefined relative period (\"this month\"), with counts", kind: 'search-body', json: {
  "limit": null,
  "query": {
    "negate": false,
    "queries": [
      {"negate": false, "object_type": "lead", "type": "object_type"},
      {
        "negate": false,
        "queries": [
          {
            "negate": false,
            "queries": [
              {
                "condition": {
                  "before": {"range": "this-month", "type": "start_end_of_predefined_relative_period", "which": "end"},
                  "on_or_after": {"range": "this-month", "type": "start_end_of_predefined_relative_period", "which": "start"},
                  "type": "moment_range"
                },
                "field": {"field_name": "last_lead_status_change_date", "object_type": "lead", "type": "regular_field"},
                "negate": false,
                "type": "field_condition"
              }
            ],
            "type": "and"
          }
        ],
        "type": "and"
      }
    ],
    "type": "and"
  },
  "include_counts": true,
  "_limit": 10,
  "cursor": null,
  "sort": []
} },
  { id: "A.14.1", title: "\"Today\" on a custom date field; \"until now\"", kind: 'condition-fragment', json: {
  "before": {"range": "today", "type": "start_end_of_predefined_relative_period", "which": "end"},
  "on_or_after": {"range": "today", "type": "start_end_of_predefined_relative_period", "which": "start"},
  "type": "moment_range"
} },
  { id: "A.14.2", title: "\"Today\" on a custom date field; \"until now\"", kind: 'condition-fragment', json: {"before": {"type": "now"}, "on_or_after": null, "type": "moment_range"} },
  { id: "A.17.1", title: "Custom field empty / set / choice / user", kind: 'node-fragment', json: {"type": "field_condition", "negate": true, "field": {"type": "custom_field", "custom_field_id": "cf_OWNER"}, "condition": {"type": "exists"}} },
  { id: "A.17.2", title: "Custom field empty / set / choice / user", kind: 'node-fragment', json: {"type": "field_condition", "negate": false, "field": {"type": "custom_field", "custom_field_id": "cf_OWNER"}, "condition": {"type": "reference", "reference_type": "user_or_group", "object_ids": ["user_AYrfFtTHbHWNRcNxtyYUEQH02YeZl0agcZ7JxPnuLz9"]}} },
  { id: "A.17.3", title: "Custom field empty / set / choice / user", kind: 'node-fragment', json: {"type": "field_condition", "negate": false, "field": {"type": "custom_field", "custom_field_id": "cf_STATE"}, "condition": {"type": "term", "values": ["Hot", "Warm"]}} },
  { id: "A.18", title: "Number range on a smart field", kind: 'node-fragment', json: {"type": "field_condition", "negate": false, "field": {"type": "regular_field", "object_type": "lead", "field_name": "num_upcoming_meetings"}, "condition": {"type": "number_range", "gte": 1.0}} },
  { id: "A.22", title: "Full-text (field-less) search, sorted by a smart field", kind: 'search-body', json: {
  "query": {
    "negate": false,
    "queries": [
      {"negate": false, "object_type": "lead", "type": "object_type"},
      {"mode": "beginning_of_words", "negate": false, "type": "text", "value": "someone@example.com"},
      {"negate": false, "queries": [], "type": "and"}
    ],
    "type": "and"
  },
  "results_limit": null,
  "sort": [
    {"direction": "asc", "field": {"field_name": "num_emails", "object_type": "lead", "type": "regular_field"}}
  ]
} },
  { id: "A.25", title: "Keyset/cursor walk over contacts by `date_updated`", kind: 'search-body', json: {
  "query": {
    "type": "and",
    "queries": [
      {"type": "object_type", "object_type": "contact"},
      {
        "type": "field_condition",
        "field": {"type": "regular_field", "object_type": "contact", "field_name": "date_updated"},
        "condition": {"type": "moment_range", "on_or_after": {"type": "fixed_utc", "value": "2024-01-02T03:04:05+00:00"}}
      }
    ]
  },
  "_fields": {"contact": ["id"]},
  "sort": [{"direction": "asc", "field": {"type": "regular_field", "object_type": "contact", "field_name": "date_updated"}}],
  "_limit": 50
} },
  { id: "A.26", title: "Opportunities owned by a user and active", kind: 'node-fragment', json: {
  "type": "field_condition",
  "field": {"type": "regular_field", "object_type": "opportunity", "field_name": "user_id"},
  "condition": {"type": "reference", "reference_type": "user_or_group", "object_ids": ["user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"]}
} },
];
