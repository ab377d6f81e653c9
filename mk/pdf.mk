# PDF rendering (sales documents): WeasyPrint needs Pango/HarfBuzz from Debian and Thai fonts
# (fonts-thai-tlwg: Garuda, Loma, Waree, Laksaman, ...). Installed only when missing, so a clean
# CI machine gets them from `make test` and a prepared one spends no time here.
PDF_DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-thai-tlwg

.PHONY: pdf-system-packages
pdf-system-packages:
	@missing=""; for p in $(PDF_DEBIAN_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages for PDF rendering:$$missing"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq -o DPkg::Lock::Timeout=300 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 $$missing; \
	fi

TEST_EXTRA += pdf-system-packages
