<?php
$string['pluginname'] = 'File cache';
