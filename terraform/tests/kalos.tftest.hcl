# Wiring of the root module, planned and applied against a mock provider: nothing
# leaves the machine. tests/terraform runs these with the pinned provider's schema.

mock_provider "cloudflare" {}

variables {
  account_id            = "0123456789abcdef0123456789abcdef"
  zone_id               = "fedcba9876543210fedcba9876543210"
  access_hostname       = "kalos-access.example.com"
  upload_hostname       = "uploads.example.com"
  bucket_hostname       = "files.example.com"
  allowed_origins       = ["https://app.example.com", "http://localhost:5173"]
  backend_signing_key   = "backend-key-0123456789abcdef0123456789"
  grant_signing_key     = "grant-key-0123456789abcdef01234567890"
  receipt_signing_key   = "receipt-key-0123456789abcdef012345678"
  workers_dev_subdomain = null
}

run "each_worker_gets_exactly_the_bindings_it_needs" {
  assert {
    condition = toset(keys(output.access_worker.bindings)) == toset([
      "UPLOAD_BASE_URL", "GRANT_TTL_SECONDS", "MAX_UPLOAD_BYTES", "ALLOWED_TYPES",
      "SIGNATURE_TOLERANCE_SECONDS", "NONCE_MODE", "BACKEND_SIGNING_KEY",
      "GRANT_SIGNING_KEY", "NONCES", "LEDGER",
    ])
    error_message = "The access worker's bindings are ${jsonencode(keys(output.access_worker.bindings))}."
  }
  assert {
    condition = toset(keys(output.upload_worker.bindings)) == toset([
      "PUBLIC_BASE_URL", "ALLOWED_ORIGINS", "GRANT_SIGNING_KEY", "RECEIPT_SIGNING_KEY",
      "BUCKET", "LEDGER",
    ])
    error_message = "The upload worker's bindings are ${jsonencode(keys(output.upload_worker.bindings))}."
  }
  assert {
    condition = alltrue([
      output.access_worker.bindings.BACKEND_SIGNING_KEY.type == "secret_text",
      output.access_worker.bindings.GRANT_SIGNING_KEY.type == "secret_text",
      output.upload_worker.bindings.GRANT_SIGNING_KEY.type == "secret_text",
      output.upload_worker.bindings.RECEIPT_SIGNING_KEY.type == "secret_text",
    ])
    error_message = "Signing keys must be bound as secrets, never as plain vars."
  }
  assert {
    condition = alltrue([
      output.access_worker.bindings.NONCES.type == "kv_namespace",
      output.access_worker.bindings.NONCES.namespace_id == output.kv_namespace_id,
      output.upload_worker.bindings.BUCKET.type == "r2_bucket",
      output.upload_worker.bindings.BUCKET.bucket_name == output.bucket_name,
    ])
    error_message = "NONCES must be the nonce namespace and BUCKET the upload bucket."
  }
}

run "the_access_worker_sends_clients_to_the_upload_worker_and_objects_live_on_the_bucket_domain" {
  assert {
    condition     = output.access_worker.vars.UPLOAD_BASE_URL == "https://uploads.example.com"
    error_message = "UPLOAD_BASE_URL is ${output.access_worker.vars.UPLOAD_BASE_URL}."
  }
  assert {
    condition     = output.upload_worker.vars.PUBLIC_BASE_URL == "https://files.example.com"
    error_message = "PUBLIC_BASE_URL is ${output.upload_worker.vars.PUBLIC_BASE_URL}."
  }
  assert {
    condition     = output.access_url == "https://kalos-access.example.com" && output.upload_url == "https://uploads.example.com"
    error_message = "The worker URLs a backend needs must be the custom domains."
  }
  assert {
    condition     = output.upload_worker.vars.ALLOWED_ORIGINS == "https://app.example.com,http://localhost:5173"
    error_message = "ALLOWED_ORIGINS must list the same origins as the bucket's CORS rule."
  }
}

run "the_ledger_class_is_created_by_the_upload_workers_migration_and_bound_across_scripts" {
  assert {
    condition     = output.upload_worker.bindings.LEDGER.type == "durable_object_namespace" && output.access_worker.bindings.LEDGER.type == "durable_object_namespace"
    error_message = "LEDGER must be a Durable Object binding in both workers."
  }
  assert {
    condition     = output.upload_worker.migration.new_tag == "v1" && tolist(output.upload_worker.migration.new_sqlite_classes) == tolist([output.upload_worker.bindings.LEDGER.class_name])
    error_message = "The upload worker's migration must create exactly the class its LEDGER binding names."
  }
  assert {
    condition     = output.access_worker.bindings.LEDGER.class_name == output.upload_worker.bindings.LEDGER.class_name && output.access_worker.bindings.LEDGER.script_name == output.upload_worker.name
    error_message = "The access worker's LEDGER must point at the upload worker's class."
  }
  assert {
    condition     = output.access_worker.migration == null
    error_message = "The access worker defines no Durable Object, so it sends no migration."
  }
}

run "each_worker_uploads_its_entry_module_and_the_shared_package" {
  assert {
    condition = alltrue([
      for worker in [output.access_worker, output.upload_worker] :
      contains(worker.modules, "entry.py") && contains(worker.modules, "kalos/__init__.py")
    ])
    error_message = "Each worker must upload entry.py and the kalos package."
  }
  assert {
    condition     = output.access_worker.modules == output.upload_worker.modules
    error_message = "Both workers upload one entry module plus the same shared package."
  }
}

run "previous_keys_are_bound_only_during_a_rotation" {
  variables {
    backend_signing_key_previous = "old-backend-key-0123456789abcdef01234"
    grant_signing_key_previous   = "old-grant-key-0123456789abcdef0123456"
    receipt_signing_key_previous = "old-receipt-key-0123456789abcdef01234"
  }
  assert {
    condition = alltrue([
      output.access_worker.bindings.BACKEND_SIGNING_KEY_PREVIOUS.type == "secret_text",
      output.access_worker.bindings.GRANT_SIGNING_KEY_PREVIOUS.type == "secret_text",
      output.upload_worker.bindings.GRANT_SIGNING_KEY_PREVIOUS.type == "secret_text",
      output.upload_worker.bindings.RECEIPT_SIGNING_KEY_PREVIOUS.type == "secret_text",
    ])
    error_message = "Each *_PREVIOUS key must be bound as a secret to the worker that uses it."
  }
  assert {
    condition     = !contains(keys(output.access_worker.bindings), "RECEIPT_SIGNING_KEY_PREVIOUS") && !contains(keys(output.upload_worker.bindings), "BACKEND_SIGNING_KEY_PREVIOUS")
    error_message = "A worker gets only the previous keys of the keys it holds."
  }
}

run "secrets_set_with_wrangler_stay_out_of_terraform" {
  variables {
    manage_secrets      = false
    backend_signing_key = null
    grant_signing_key   = null
    receipt_signing_key = null
  }
  assert {
    condition = length([
      for binding in concat(values(output.access_worker.bindings), values(output.upload_worker.bindings)) :
      binding if binding.type == "secret_text"
    ]) == 0
    error_message = "With manage_secrets = false no secret may be bound by Terraform."
  }
}

run "the_workers_dev_urls_are_used_without_custom_domains" {
  variables {
    zone_id               = null
    access_hostname       = null
    upload_hostname       = null
    bucket_hostname       = null
    workers_dev_subdomain = "my-team"
  }
  assert {
    condition     = output.access_url == "https://kalos-access.my-team.workers.dev" && output.access_worker.vars.UPLOAD_BASE_URL == "https://kalos-upload.my-team.workers.dev"
    error_message = "Without custom domains the workers answer on workers.dev."
  }
  assert {
    condition     = startswith(output.public_base_url, "https://")
    error_message = "Without a bucket hostname the bucket is served on r2.dev."
  }
}

# ---------------------------------------------------------------- refused at plan time

run "a_signing_key_shorter_than_32_bytes_is_refused" {
  command = plan
  variables {
    grant_signing_key = "0123456789abcdef0123456789abcde"
  }
  expect_failures = [var.grant_signing_key]
}

run "a_key_is_measured_in_bytes_not_characters" {
  command = plan
  variables {
    # Eleven characters, 33 bytes in UTF-8.
    receipt_signing_key = "€€€€€€€€€€€"
  }
}

run "a_short_previous_key_is_refused_too" {
  command = plan
  variables {
    backend_signing_key_previous = "too-short"
  }
  expect_failures = [var.backend_signing_key_previous]
}

run "a_missing_signing_key_is_refused_while_terraform_manages_secrets" {
  command = plan
  variables {
    receipt_signing_key = null
  }
  expect_failures = [var.receipt_signing_key]
}

run "a_hostname_with_a_scheme_is_refused" {
  command = plan
  variables {
    access_hostname = "https://kalos-access.example.com"
  }
  expect_failures = [var.access_hostname]
}

run "a_hostname_with_an_underscore_is_refused" {
  command = plan
  variables {
    upload_hostname = "up_loads.example.com"
  }
  expect_failures = [var.upload_hostname]
}

run "a_bucket_hostname_without_a_domain_is_refused" {
  command = plan
  variables {
    bucket_hostname = "files"
  }
  expect_failures = [var.bucket_hostname]
}

run "a_custom_domain_without_a_zone_is_refused" {
  command = plan
  variables {
    zone_id = null
  }
  expect_failures = [var.zone_id]
}

run "a_worker_without_any_url_is_refused" {
  command = plan
  variables {
    upload_hostname = null
  }
  expect_failures = [var.workers_dev_subdomain]
}

run "an_origin_with_a_path_is_refused" {
  command = plan
  variables {
    allowed_origins = ["https://app.example.com/"]
  }
  expect_failures = [var.allowed_origins]
}
