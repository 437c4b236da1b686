mock_provider "cloudflare" {}

variables {
  account_id           = "0123456789abcdef0123456789abcdef"
  name                 = "kalos-uploads"
  cors_allowed_origins = ["https://app.example.com"]
}

run "unfinished_multipart_uploads_are_aborted_after_one_day" {
  assert {
    condition     = cloudflare_r2_bucket_lifecycle.this.rules[0].abort_multipart_uploads_transition.condition.max_age == 86400
    error_message = "Unfinished multipart uploads must be aborted after 86400 seconds."
  }
  assert {
    condition     = cloudflare_r2_bucket_lifecycle.this.rules[0].conditions.prefix == "" && cloudflare_r2_bucket_lifecycle.this.rules[0].enabled
    error_message = "The abort rule must cover the whole bucket and be enabled."
  }
}

run "browsers_may_only_read_from_the_allowed_origins" {
  assert {
    condition     = tolist(cloudflare_r2_bucket_cors.this[0].rules[0].allowed.methods) == tolist(["GET", "HEAD"])
    error_message = "The bucket's CORS rule must allow reads only."
  }
  assert {
    condition     = tolist(cloudflare_r2_bucket_cors.this[0].rules[0].allowed.origins) == tolist(["https://app.example.com"])
    error_message = "The CORS rule must allow exactly the configured origins."
  }
}

run "no_origins_means_no_cors_rule" {
  variables {
    cors_allowed_origins = []
  }
  assert {
    condition     = length(cloudflare_r2_bucket_cors.this) == 0
    error_message = "Without origins there is no CORS rule."
  }
}

run "a_custom_domain_wins_over_r2_dev" {
  variables {
    custom_domain          = { hostname = "files.example.com", zone_id = "fedcba9876543210fedcba9876543210" }
    managed_domain_enabled = true
  }
  assert {
    condition     = output.public_url == "https://files.example.com"
    error_message = "public_url must be the custom domain."
  }
}

run "a_private_bucket_has_no_public_url" {
  assert {
    condition     = output.public_url == null && length(cloudflare_r2_managed_domain.this) == 0
    error_message = "Without a domain the bucket stays private."
  }
}

run "an_eu_bucket_passes_its_jurisdiction_to_every_resource" {
  variables {
    jurisdiction = "eu"
  }
  assert {
    condition     = cloudflare_r2_bucket_lifecycle.this.jurisdiction == "eu" && cloudflare_r2_bucket_cors.this[0].jurisdiction == "eu" && output.jurisdiction == "eu"
    error_message = "The lifecycle, the CORS rule and bindings must name the bucket's jurisdiction."
  }
}

run "a_malformed_custom_domain_is_refused" {
  command = plan
  variables {
    custom_domain = { hostname = "files.example.com/", zone_id = "fedcba9876543210fedcba9876543210" }
  }
  expect_failures = [var.custom_domain]
}
