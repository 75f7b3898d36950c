<?php
$string['pluginname'] = 'Session cache';
