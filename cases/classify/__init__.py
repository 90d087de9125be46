"""Automatic classification of free Chinese text into the taxonomy's sub-categories (问题事件自动分类)."""

from cases.classify.classifier import (DEFAULT_MIN_CONFIDENCE, Classification, Classifier, build_classifier,
                                       classify)
from cases.classify.data import LabelledReport, load_labelled, read_labelled_csv, write_labelled_csv

__all__ = ["DEFAULT_MIN_CONFIDENCE", "Classification", "Classifier", "LabelledReport", "build_classifier", "classify",
           "load_labelled", "read_labelled_csv", "write_labelled_csv"]
