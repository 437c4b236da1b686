locals {
  package_name = basename(var.package_dir)

  # The same module names scripts/bundle_worker.py lays out for wrangler: the worker's
  # own files at the top, the shared package under its folder name.
  modules = merge(
    { for path in fileset(var.source_dir, "**/*.py") : path => "${var.source_dir}/${path}" },
    { for path in fileset(var.package_dir, "**/*.py") : "${local.package_name}/${path}" => "${var.package_dir}/${path}" },
  )

  bindings = concat(
    [for name, value in var.vars : { name = name, type = "plain_text", text = value }],
    # Iterating over the names keeps the sensitive mark on each value, not on the
    # whole list, so binding names and types stay readable in plans.
    [for name in nonsensitive(keys(var.secrets)) : {
      name = name
      type = "secret_text"
      text = var.secrets[name]
    }],
    [for name, bucket in var.r2_buckets : {
      name         = name
      type         = "r2_bucket"
      bucket_name  = bucket.bucket_name
      jurisdiction = bucket.jurisdiction
    }],
    [for name, id in var.kv_namespaces : { name = name, type = "kv_namespace", namespace_id = id }],
    [for name, object in var.durable_objects : {
      name        = name
      type        = "durable_object_namespace"
      class_name  = object.class_name
      script_name = object.script_name
    }],
  )
}

resource "cloudflare_workers_script" "this" {
  account_id  = var.account_id
  script_name = var.name

  # The main module is the upload's content; every other module rides along in files.
  main_module    = var.main_module
  content_file   = local.modules[var.main_module]
  content_sha256 = filesha256(local.modules[var.main_module])
  content_type   = "text/x-python"
  files = {
    for name, path in local.modules : name => {
      content_file = path
      content_type = "text/x-python"
    } if name != var.main_module
  }

  compatibility_date  = var.compatibility_date
  compatibility_flags = var.compatibility_flags

  bindings      = local.bindings
  keep_bindings = var.keep_unmanaged_secrets ? ["secret_text"] : null

  migrations = var.migration == null ? null : {
    new_tag            = var.migration.new_tag
    old_tag            = var.migration.old_tag
    new_sqlite_classes = var.migration.new_sqlite_classes
    deleted_classes    = var.migration.deleted_classes
  }

  observability = {
    enabled = true
    logs = {
      enabled         = true
      invocation_logs = true
    }
  }

  lifecycle {
    precondition {
      condition     = contains(keys(local.modules), var.main_module)
      error_message = "The main module ${var.main_module} is not in ${var.source_dir}."
    }
    precondition {
      condition     = length(setintersection(keys(var.vars), keys(var.secrets))) == 0
      error_message = "A binding name is used both as a plain var and as a secret."
    }
  }
}

resource "cloudflare_workers_script_subdomain" "this" {
  account_id       = var.account_id
  script_name      = cloudflare_workers_script.this.script_name
  enabled          = var.workers_dev_subdomain != null
  previews_enabled = false
}

resource "cloudflare_workers_custom_domain" "this" {
  count = var.custom_domain == null ? 0 : 1

  account_id = var.account_id
  zone_id    = var.custom_domain.zone_id
  hostname   = var.custom_domain.hostname
  service    = cloudflare_workers_script.this.script_name
}
