terraform {
  required_version = ">= 1.9"

  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "5.28.0"
    }
  }
}

# The API token comes from the CLOUDFLARE_API_TOKEN environment variable.
provider "cloudflare" {}
