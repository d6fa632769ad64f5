"""Views, one module per area: public results, score sheets and workflow, dashboards, exports."""
